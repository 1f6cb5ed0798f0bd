import type { Entry, HardState, NodeId, SnapshotMeta } from '@flotilla/raft';
import { entryDigest } from './entry-digest.js';
import { ShadowLog } from './shadow-log.js';

interface DurableState {
  readonly log: ShadowLog;
  hardState: HardState;
}

/**
 * What each node holds durably (synced), as far as the checker has been told. It outlives
 * crashes: a restart rebuilds it from what the store gave back, which is the ground truth.
 * It may lag the store (a sync that landed during a crash is learned only at the restart),
 * never run ahead of it, so a check that asks "is this durable?" never passes by mistake.
 */
export class DurableReplicas {
  private readonly nodes = new Map<NodeId, DurableState>();

  started(node: NodeId, hardState: HardState, snapshot: SnapshotMeta | undefined, entries: readonly Entry[]): void {
    const log = new ShadowLog();
    if (snapshot !== undefined) log.restore(snapshot.index, snapshot.term);
    const problem = log.append(entries, entryDigest);
    if (problem !== undefined) throw new Error(`checker: node ${node} restarted with a broken log: ${problem}`);
    this.nodes.set(node, { log, hardState });
  }

  /** A synced write of `entries` landed (replacing any stored entries from the first one's index on). */
  persistedEntries(node: NodeId, entries: readonly Entry[]): void {
    const problem = this.state(node).log.append(entries, entryDigest);
    if (problem !== undefined) throw new Error(`checker: node ${node} persisted entries that do not fit its durable log: ${problem}`);
  }

  persistedHardState(node: NodeId, hardState: HardState): void {
    this.state(node).hardState = hardState;
  }

  /** An installed snapshot replaces the whole durable log. */
  installedSnapshot(node: NodeId, meta: SnapshotMeta): void {
    this.state(node).log.restore(meta.index, meta.term);
  }

  hardState(node: NodeId): HardState | undefined {
    return this.nodes.get(node)?.hardState;
  }

  /** Whether `node` durably holds the entry `index`/`term`: in its log, or under its snapshot (which holds committed state only). */
  holds(node: NodeId, index: number, term: number): boolean {
    const log = this.nodes.get(node)?.log;
    if (log === undefined) return false;
    return index <= log.snapshotIndex || log.termAt(index) === term;
  }

  private state(node: NodeId): DurableState {
    const state = this.nodes.get(node);
    if (state === undefined) throw new Error(`checker: node ${node} never started`);
    return state;
  }
}
