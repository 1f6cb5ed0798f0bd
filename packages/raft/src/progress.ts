import { Inflights } from './inflights.js';
import type { SnapshotMeta } from './types.js';

export const ProgressState = {
  /** One append at a time until the follower's match index is found. */
  PROBE: 1,
  /** Appends are pipelined within the inflight window. */
  REPLICATE: 2,
  /** The follower needs a snapshot; appends wait until it is installed. */
  SNAPSHOT: 3,
} as const;
export type ProgressState = (typeof ProgressState)[keyof typeof ProgressState];

/** The leader's view of one replica's log. All state transitions live here. */
export class Progress {
  match = 0;
  next: number;
  state: ProgressState = ProgressState.PROBE;
  /** PROBE: an append is in flight, wait for its answer (or a heartbeat answer). */
  probeSent = false;
  /** Heard from since the last CheckQuorum round. */
  recentActive = true;
  isLearner: boolean;
  readonly inflights: Inflights;
  /** SNAPSHOT: the snapshot being sent, the next byte to send, whether a chunk awaits its ack. */
  pendingSnapshot: SnapshotMeta | undefined = undefined;
  snapshotOffset = 0;
  chunkInflight = false;
  /** Ticks since the inflight chunk left; after an election timeout it is sent again. */
  chunkInflightTicks = 0;

  constructor(next: number, isLearner: boolean, maxInflightMessages: number, maxInflightBytes: number) {
    this.next = next;
    this.isLearner = isLearner;
    this.inflights = new Inflights(maxInflightMessages, maxInflightBytes);
  }

  private resetState(state: ProgressState): void {
    this.state = state;
    this.probeSent = false;
    this.pendingSnapshot = undefined;
    this.snapshotOffset = 0;
    this.chunkInflight = false;
    this.chunkInflightTicks = 0;
    this.inflights.reset();
  }

  becomeProbe(): void {
    // After a snapshot the follower holds at least its index, even if it has not said so yet.
    const afterSnapshot = this.state === ProgressState.SNAPSHOT && this.pendingSnapshot !== undefined
      ? this.pendingSnapshot.index + 1
      : 0;
    this.resetState(ProgressState.PROBE);
    this.next = Math.max(this.match + 1, afterSnapshot);
  }

  becomeReplicate(): void {
    this.resetState(ProgressState.REPLICATE);
    this.next = this.match + 1;
  }

  becomeSnapshot(snapshot: SnapshotMeta): void {
    this.resetState(ProgressState.SNAPSHOT);
    this.pendingSnapshot = snapshot;
  }

  /** An acknowledgement up to `index`; false if it told us nothing new (stale or duplicate). */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * A rejection of the append after `rejected`; `matchHint` is where the follower's log may
   * agree with ours. False when the rejection is stale (it answers an earlier append).
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === ProgressState.REPLICATE) {
      if (rejected <= this.match) return false;
      // The pipeline broke (a lost append); restart right after the known match.
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.probeSent = false;
    return true;
  }

  /** An append carrying entries up to `lastIndex` (and `bytes` of them) left for this replica. */
  sentEntries(count: number, lastIndex: number, bytes: number): void {
    if (this.state === ProgressState.REPLICATE) {
      if (count > 0) {
        this.next = lastIndex + 1;
        this.inflights.add(lastIndex, bytes);
      }
    } else if (this.state === ProgressState.PROBE) {
      this.probeSent = true;
    }
  }

  /** Appends are held back: a probe in flight, a full window, or a snapshot underway. */
  isPaused(): boolean {
    switch (this.state) {
      case ProgressState.PROBE:
        return this.probeSent;
      case ProgressState.REPLICATE:
        return this.inflights.full();
      case ProgressState.SNAPSHOT:
        return true;
    }
  }

  /** The snapshot chunk at `snapshotOffset` left. */
  sentChunk(): void {
    this.chunkInflight = true;
    this.chunkInflightTicks = 0;
  }

  /** The follower acknowledged the snapshot's bytes up to `offset`; false if that is old news. */
  maybeAckChunk(offset: number): boolean {
    if (offset <= this.snapshotOffset) return false;
    this.snapshotOffset = offset;
    this.chunkInflight = false;
    return true;
  }

  /** The follower refused the chunk (it holds no matching start): send from the beginning. */
  restartSnapshot(): void {
    this.snapshotOffset = 0;
    this.chunkInflight = false;
  }
}
