import type { RawNode, ReadState } from '@flotilla/raft';
import { ReadIndexDroppedError } from '@flotilla/raft';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';

export interface ReadWaiter {
  /** The replica has applied (and written) everything committed when the read arrived. */
  resolve(): void;
  reject(error: Error): void;
}

interface IssuedBatch {
  readonly waiters: ReadWaiter[];
  readonly issuedAtMs: number;
}

/** Node id (u32) then a counter (u64): the leader serves reads of every replica, so contexts must differ across nodes. */
const CONTEXT_BYTES = 12;

/**
 * One replica's linearizable reads: every read that arrives within a loop turn shares one
 * ReadIndex request (one heartbeat round answers them all), then waits until the replica has
 * written the read index's state.
 */
export class ReadQueue {
  private pending: ReadWaiter[] = [];
  private readonly issued = new Map<string, IssuedBatch>();
  private awaitingApply: { index: number; waiters: ReadWaiter[] }[] = [];
  private nextContext = 1n;

  constructor(private readonly self: number) {}

  get size(): number {
    let count = this.pending.length;
    for (const batch of this.issued.values()) count += batch.waiters.length;
    for (const batch of this.awaitingApply) count += batch.waiters.length;
    return count;
  }

  get hasPending(): boolean {
    return this.pending.length > 0;
  }

  add(waiter: ReadWaiter): () => void {
    this.pending.push(waiter);
    return () => this.remove(waiter);
  }

  /** Asks the core for one read index covering every read queued since the last turn; `onAsked` hears its context. */
  issue(raft: RawNode, nowMs: number, onAsked?: (context: Uint8Array) => void): void {
    if (this.pending.length === 0) return;
    const context = new Uint8Array(CONTEXT_BYTES);
    const view = new DataView(context.buffer);
    view.setUint32(0, this.self);
    view.setBigUint64(4, this.nextContext++);
    const waiters = this.pending;
    this.pending = [];
    try {
      onAsked?.(context);
      raft.readIndex(context);
    } catch (error) {
      if (!(error instanceof ReadIndexDroppedError)) throw error;
      const failure =
        error.reason === 'no-leader'
          ? new RetryableError('no_leader', 'the shard has no leader to confirm the read')
          : new ServiceError('overloaded', 'too many reads wait for the leader', { retryAfterMs: 100 });
      for (const waiter of waiters) waiter.reject(failure);
      return;
    }
    this.issued.set(contextKey(context), { waiters, issuedAtMs: nowMs });
  }

  /** The core answered a read index; `writtenIndex` is what the replica has written so far. */
  answered(state: ReadState, writtenIndex: number): void {
    const key = contextKey(state.context);
    const batch = this.issued.get(key);
    if (batch === undefined) return;
    this.issued.delete(key);
    if (state.index <= writtenIndex) {
      for (const waiter of batch.waiters) waiter.resolve();
    } else {
      this.awaitingApply.push({ index: state.index, waiters: batch.waiters });
    }
  }

  /** The replica's state through `writtenIndex` is now readable. */
  written(writtenIndex: number): void {
    if (this.awaitingApply.length === 0) return;
    const still: { index: number; waiters: ReadWaiter[] }[] = [];
    for (const batch of this.awaitingApply) {
      if (batch.index > writtenIndex) still.push(batch);
      else for (const waiter of batch.waiters) waiter.resolve();
    }
    this.awaitingApply = still;
  }

  /**
   * Requests the core dropped (a leader change) or whose answer may be lost (a forwarded
   * request to a leader that died) go out again with the next turn.
   */
  reissue(olderThanMs: number): void {
    for (const [key, batch] of this.issued) {
      if (batch.issuedAtMs > olderThanMs) continue;
      this.issued.delete(key);
      this.pending.push(...batch.waiters);
    }
  }

  rejectAll(error: Error): void {
    for (const waiter of this.pending) waiter.reject(error);
    for (const batch of this.issued.values()) for (const waiter of batch.waiters) waiter.reject(error);
    for (const batch of this.awaitingApply) for (const waiter of batch.waiters) waiter.reject(error);
    this.pending = [];
    this.issued.clear();
    this.awaitingApply = [];
  }

  private remove(waiter: ReadWaiter): void {
    const drop = (list: ReadWaiter[]): void => {
      const at = list.indexOf(waiter);
      if (at >= 0) list.splice(at, 1);
    };
    drop(this.pending);
    for (const batch of this.issued.values()) drop(batch.waiters);
    for (const batch of this.awaitingApply) drop(batch.waiters);
  }
}

const contextKey = (context: Uint8Array): string => Buffer.from(context).toString('hex');
