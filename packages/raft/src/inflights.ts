import { RaftInvariantError } from './errors.js';

/**
 * The appends sent to one follower and not yet acknowledged, bounded by count and by bytes:
 * the pipelining window of a follower in REPLICATE state.
 */
export class Inflights {
  /** Last index of each inflight append, ascending. */
  private readonly lastIndexes: number[] = [];
  private readonly sizesBytes: number[] = [];
  private totalBytes = 0;

  constructor(readonly maxCount: number, readonly maxBytes: number) {}

  get count(): number {
    return this.lastIndexes.length;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  add(lastIndex: number, bytes: number): void {
    if (this.full()) throw new RaftInvariantError('inflight window overflow');
    const previous = this.lastIndexes[this.lastIndexes.length - 1];
    if (previous !== undefined && lastIndex <= previous) {
      throw new RaftInvariantError(`inflight ${lastIndex} is not after ${previous}`);
    }
    this.lastIndexes.push(lastIndex);
    this.sizesBytes.push(bytes);
    this.totalBytes += bytes;
  }

  /** Frees every append whose last index is <= `index` (an acknowledgement covers them all). */
  freeLE(index: number): void {
    let freed = 0;
    while (freed < this.lastIndexes.length && (this.lastIndexes[freed] as number) <= index) {
      this.totalBytes -= this.sizesBytes[freed] as number;
      freed++;
    }
    this.lastIndexes.splice(0, freed);
    this.sizesBytes.splice(0, freed);
  }

  /** Frees the oldest append, so a follower whose acknowledgements were lost gets probed again. */
  freeFirstOne(): void {
    const first = this.lastIndexes[0];
    if (first !== undefined) this.freeLE(first);
  }

  full(): boolean {
    return this.lastIndexes.length >= this.maxCount || this.totalBytes >= this.maxBytes;
  }

  reset(): void {
    this.lastIndexes.length = 0;
    this.sizesBytes.length = 0;
    this.totalBytes = 0;
  }
}
