import { setTimeout as sleep } from 'node:timers/promises';
import { describeExit, LaunchedProcess } from './launched-process.js';
import type { LaunchRequest, ProcessExit } from './launched-process.js';

/** One process of a cluster on this machine, and how to tell it is ready to serve. */
export interface ClusterMember extends LaunchRequest {
  readonly id: number;
  /** For messages: `node2`, `etcd1`. */
  readonly name: string;
  readonly readyUrl: string;
  readonly isReady: (status: number, body: string) => boolean;
}

const READY_POLL_INTERVAL_MS = 100;
const READY_PROBE_TIMEOUT_MS = 1000;

const probeReady = async (member: ClusterMember): Promise<boolean> => {
  try {
    const response = await fetch(member.readyUrl, { signal: AbortSignal.timeout(READY_PROBE_TIMEOUT_MS) });
    return member.isReady(response.status, await response.text());
  } catch {
    return false; // not listening yet
  }
};

/**
 * The processes of a cluster on this machine: each started, stopped and restarted by its id,
 * with the same command line every time. Flotilla's own nodes, the clusters the bench compares
 * against, and the cluster tests' nodes all run under one of these.
 */
export class ProcessCluster<M extends ClusterMember = ClusterMember> {
  private readonly processes = new Map<number, LaunchedProcess>();

  constructor(readonly members: readonly M[]) {
    const ids = new Set(members.map((member) => member.id));
    if (ids.size !== members.length) throw new Error(`cluster member ids repeat: ${members.map((member) => member.id).join(', ')}`);
  }

  member(id: number): M {
    const member = this.members.find((candidate) => candidate.id === id);
    if (member === undefined) throw new Error(`the cluster has no member ${id}`);
    return member;
  }

  /** Its current (or last) process; undefined before its first start. */
  process(id: number): LaunchedProcess | undefined {
    return this.processes.get(id);
  }

  isRunning(id: number): boolean {
    const launched = this.processes.get(id);
    return launched !== undefined && launched.exitStatus === undefined;
  }

  runningIds(): number[] {
    return this.members.map((member) => member.id).filter((id) => this.isRunning(id));
  }

  /** Starts a member that is not running, without waiting for it to be ready. */
  start(id: number): LaunchedProcess {
    if (this.isRunning(id)) throw new Error(`${this.member(id).name} is already running`);
    const launched = LaunchedProcess.launch(this.member(id));
    this.processes.set(id, launched);
    return launched;
  }

  startAll(): void {
    for (const member of this.members) this.start(member.id);
  }

  /** Waits until every member of `ids` says it is ready; fails at once if one of them exits. */
  async waitReady(ids: readonly number[], timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      for (const id of ids) {
        const launched = this.processes.get(id);
        if (launched === undefined) throw new Error(`${this.member(id).name} was never started`);
        const exit = launched.exitStatus;
        if (exit !== undefined) throw new Error(`${this.member(id).name} exited (${describeExit(exit)}) before it was ready${launched.logExcerpt()}`);
      }
      const ready = await Promise.all(ids.map((id) => probeReady(this.member(id))));
      if (ready.every(Boolean)) return;
      if (performance.now() >= deadline) {
        const waiting = ids.filter((_, index) => !ready[index]);
        const names = waiting.map((id) => this.member(id).name).join(', ');
        const excerpt = this.processes.get(waiting[0] as number)?.logExcerpt() ?? '';
        throw new Error(`${names} not ready within ${timeoutMs} ms${excerpt}`);
      }
      await sleep(READY_POLL_INTERVAL_MS);
    }
  }

  /** Sends `signal` to a running member and waits for its exit, killing it after `patienceMs`. */
  async stop(id: number, signal: NodeJS.Signals, patienceMs: number): Promise<ProcessExit> {
    const launched = this.processes.get(id);
    if (launched === undefined) throw new Error(`${this.member(id).name} was never started`);
    return launched.stop(signal, patienceMs);
  }

  async stopAll(signal: NodeJS.Signals, patienceMs: number): Promise<void> {
    await Promise.all(this.runningIds().map((id) => this.stop(id, signal, patienceMs)));
  }
}
