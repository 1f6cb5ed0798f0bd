import { RaftInvariantError } from './errors.js';
import type { Entry, SnapshotMeta } from './types.js';

/**
 * The tail of the log not yet handed to the host for persisting: a snapshot received from
 * the leader and/or entries from `offset` on. Once a Ready with them is advanced, they are
 * stable (in `LogStorage`) and leave this tail.
 */
export class Unstable {
  snapshot: SnapshotMeta | undefined = undefined;
  entries: Entry[] = [];
  /** Index of `entries[0]`. */
  offset: number;
  /** How many of `entries` were handed out in a Ready not yet advanced. */
  private inProgress = 0;
  private snapshotInProgress = false;

  constructor(offset: number) {
    this.offset = offset;
  }

  maybeFirstIndex(): number | undefined {
    return this.snapshot === undefined ? undefined : this.snapshot.index + 1;
  }

  maybeLastIndex(): number | undefined {
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined) return last.index;
    return this.snapshot?.index;
  }

  maybeTerm(index: number): number | undefined {
    if (index < this.offset) {
      return this.snapshot !== undefined && this.snapshot.index === index ? this.snapshot.term : undefined;
    }
    return this.entries[index - this.offset]?.term;
  }

  /** Entries not yet handed out for persisting. */
  nextEntries(): Entry[] {
    return this.entries.slice(this.inProgress);
  }

  /** The snapshot, unless already handed out. */
  nextSnapshot(): SnapshotMeta | undefined {
    return this.snapshotInProgress ? undefined : this.snapshot;
  }

  /** Everything currently in the tail was handed out in a Ready. */
  markInProgress(): void {
    this.inProgress = this.entries.length;
    this.snapshotInProgress = this.snapshot !== undefined;
  }

  /** The host persisted everything up to (index, term); entries overwritten since are kept. */
  stableTo(index: number, term: number): void {
    if (this.maybeTerm(index) !== term || index < this.offset) return;
    const count = index + 1 - this.offset;
    this.entries = this.entries.slice(count);
    this.offset = index + 1;
    this.inProgress = Math.max(0, this.inProgress - count);
  }

  stableSnapTo(index: number): void {
    if (this.snapshot !== undefined && this.snapshot.index === index) {
      this.snapshot = undefined;
      this.snapshotInProgress = false;
    }
  }

  restore(snapshot: SnapshotMeta): void {
    this.snapshot = snapshot;
    this.entries = [];
    this.offset = snapshot.index + 1;
    this.inProgress = 0;
    this.snapshotInProgress = false;
  }

  /** Appends, dropping any existing entries from the first new index on (they conflicted). */
  truncateAndAppend(entries: readonly Entry[]): void {
    const first = entries[0];
    if (first === undefined) return;
    const after = first.index;
    if (after === this.offset + this.entries.length) {
      this.entries = this.entries.concat(entries);
    } else if (after <= this.offset) {
      // The whole unstable tail is replaced; the new entries start at or before it.
      this.offset = after;
      this.entries = [...entries];
      this.inProgress = 0;
    } else {
      if (after > this.offset + this.entries.length) {
        throw new RaftInvariantError(`unstable append at ${after} leaves a gap after ${this.offset + this.entries.length - 1}`);
      }
      this.entries = this.entries.slice(0, after - this.offset).concat(entries);
      this.inProgress = Math.min(this.inProgress, after - this.offset);
    }
  }

  /** Entries in [lo, hi); the caller checks the bounds. */
  slice(lo: number, hi: number): Entry[] {
    if (lo < this.offset || hi > this.offset + this.entries.length) {
      throw new RaftInvariantError(`unstable slice [${lo}, ${hi}) outside [${this.offset}, ${this.offset + this.entries.length})`);
    }
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
