import type { Entry } from '@flotilla/raft';
import type { ApplyResult } from '@flotilla/kv';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';

export interface WriteWaiter {
  readonly term: number;
  resolve(result: ApplyResult, entry: Entry): void;
  reject(error: Error): void;
}

/** An answer decided during apply, delivered once the apply batch is written. */
export type Settlement = () => void;

/**
 * Proposals this replica made as leader, by log index. An entry applied at that index with the
 * proposal's term is the proposal; with another term the proposal was overwritten and never
 * applied, so the client may safely retry.
 */
export class WriteWaiters {
  private readonly byIndex = new Map<number, WriteWaiter>();

  get size(): number {
    return this.byIndex.size;
  }

  add(index: number, waiter: WriteWaiter): void {
    // An older proposal at this index was truncated away by another leader before we led again.
    this.byIndex.get(index)?.reject(new RetryableError('proposal_lost', `log index ${index} was truncated by another leader`));
    this.byIndex.set(index, waiter);
  }

  /** The waiter's answer for the entry just applied, if a proposal waits on its index. */
  settle(entry: Entry, result: ApplyResult | undefined): Settlement | undefined {
    const waiter = this.byIndex.get(entry.index);
    if (waiter === undefined) return undefined;
    this.byIndex.delete(entry.index);
    if (waiter.term === entry.term && result !== undefined) return () => waiter.resolve(result, entry);
    const lost = new RetryableError('proposal_lost', `log index ${entry.index} was taken by another leader's entry`);
    return () => waiter.reject(lost);
  }

  /** A snapshot jumped the replica past these indexes: whether they committed is unknown here. */
  abandonThrough(index: number): void {
    for (const [waitingIndex, waiter] of this.byIndex) {
      if (waitingIndex > index) continue;
      this.byIndex.delete(waitingIndex);
      waiter.reject(new ServiceError('unknown_outcome', 'the replica installed a snapshot; the write may or may not have committed'));
    }
  }

  rejectAll(error: Error): void {
    for (const waiter of this.byIndex.values()) waiter.reject(error);
    this.byIndex.clear();
  }
}
