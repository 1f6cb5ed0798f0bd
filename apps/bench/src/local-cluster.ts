// Starts the members of a loopback cluster under a ChildGroup and waits until every member
// says it is ready; a member that dies or a cluster that never gets ready fails with the
// tail of the member's log.
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import type { ChildGroup, ManagedChild } from './child-group.js';
import { logTail } from './child-group.js';
import type { Endpoint } from './flag-values.js';
import { httpGet } from './http-get.js';

const READY_POLL_MS = 200;

export interface MemberLaunch {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly clientEndpoint: Endpoint;
  readonly readyUrl: string;
  readonly isReady: (status: number, body: string) => boolean;
}

export interface RunningCluster {
  readonly label: string;
  /** Client endpoints of every member. */
  readonly endpoints: readonly Endpoint[];
  stop(): Promise<void>;
}

async function waitReady(member: MemberLaunch, child: ManagedChild, deadlineMs: number): Promise<void> {
  for (;;) {
    if (child.hasExited()) {
      throw new Error(`${member.name} exited (${await child.exited}) before it was ready; log ${child.logPath}:\n${logTail(child.logPath)}`);
    }
    try {
      const reply = await httpGet(member.readyUrl, READY_POLL_MS * 5);
      if (member.isReady(reply.status, reply.body)) return;
    } catch {
      // Not listening yet.
    }
    if (performance.now() > deadlineMs) {
      throw new Error(`${member.name} not ready at ${member.readyUrl} in time; log ${child.logPath}:\n${logTail(child.logPath)}`);
    }
    await sleep(READY_POLL_MS);
  }
}

export async function startLocalCluster(
  group: ChildGroup,
  label: string,
  logDir: string,
  members: readonly MemberLaunch[],
  readyTimeoutMs: number,
): Promise<RunningCluster> {
  const children = members.map((member) =>
    group.spawn({
      name: member.name,
      command: member.command,
      args: member.args,
      ...(member.env === undefined ? {} : { env: member.env }),
      logPath: join(logDir, `${member.name}.log`),
    }),
  );
  const stop = () => group.stop(children);
  try {
    const deadlineMs = performance.now() + readyTimeoutMs;
    await Promise.all(members.map((member, index) => waitReady(member, children[index]!, deadlineMs)));
  } catch (error) {
    await stop();
    throw error;
  }
  return { label, endpoints: members.map((member) => member.clientEndpoint), stop };
}
