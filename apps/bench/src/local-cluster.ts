// Starts the members of a loopback cluster and waits until every member says it is ready; a
// member that dies or a cluster that never gets ready fails with the tail of the member's log,
// and leaves nothing running.
import { ProcessCluster, stopEveryLaunchedProcess } from '@flotilla/server/launcher';
import type { ClusterMember } from '@flotilla/server/launcher';
import type { Endpoint } from './flag-values.js';

/** SIGTERM first; a member still running after this is killed. */
const STOP_GRACE_MS = 5000;

export interface RunningCluster {
  readonly label: string;
  /** Client endpoints of every member. */
  readonly endpoints: readonly Endpoint[];
  stop(): Promise<void>;
}

export async function startLocalCluster(
  label: string,
  members: readonly ClusterMember[],
  endpoints: readonly Endpoint[],
  readyTimeoutMs: number,
): Promise<RunningCluster> {
  const cluster = new ProcessCluster(members);
  const stop = () => cluster.stopAll('SIGTERM', STOP_GRACE_MS);
  try {
    cluster.startAll();
    await cluster.waitReady(members.map((member) => member.id), readyTimeoutMs);
  } catch (error) {
    await stop();
    throw error;
  }
  return { label, endpoints, stop };
}

/** Every server this process started and that still runs, stopped on Ctrl-C or a failure. */
export const stopEveryServer = (): Promise<void> => stopEveryLaunchedProcess('SIGTERM', STOP_GRACE_MS);
