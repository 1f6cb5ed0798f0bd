import type { Entry } from '@flotilla/raft';

export interface EntryRef {
  readonly term: number;
  readonly digest: number;
}

/**
 * The simulator's copy of one node's whole log (stable and unstable), rebuilt from what the
 * node's Readys append, so that the checker can read any node's log at any time.
 */
export class ShadowLog {
  private baseIndex = 0;
  private baseTerm = 0;
  private entries: EntryRef[] = [];

  get snapshotIndex(): number {
    return this.baseIndex;
  }

  get lastIndex(): number {
    return this.baseIndex + this.entries.length;
  }

  /** The term at `index`; `undefined` when it is compacted away or beyond the log. */
  termAt(index: number): number | undefined {
    if (index === this.baseIndex) return this.baseTerm;
    return this.entryAt(index)?.term;
  }

  entryAt(index: number): EntryRef | undefined {
    return index > this.baseIndex ? this.entries[index - this.baseIndex - 1] : undefined;
  }

  /** Replaces the log from the first entry's index on; returns an error text on a gap. */
  append(entries: readonly Entry[], digest: (entry: Entry) => number): string | undefined {
    const head = entries[0];
    if (head === undefined) return undefined;
    if (head.index <= this.baseIndex) return `append at ${head.index} at or below the snapshot at ${this.baseIndex}`;
    if (head.index > this.lastIndex + 1) return `append at ${head.index} leaves a gap after ${this.lastIndex}`;
    this.entries = this.entries.slice(0, head.index - this.baseIndex - 1);
    for (const entry of entries) this.entries.push({ term: entry.term, digest: digest(entry) });
    return undefined;
  }

  /** A received snapshot replaces the whole log. */
  restore(index: number, term: number): void {
    this.baseIndex = index;
    this.baseTerm = term;
    this.entries = [];
  }

  compact(index: number): void {
    if (index <= this.baseIndex) return;
    const term = this.termAt(index);
    if (term === undefined) throw new Error(`compact(${index}) beyond the shadow log's last index ${this.lastIndex}`);
    this.entries = this.entries.slice(index - this.baseIndex);
    this.baseIndex = index;
    this.baseTerm = term;
  }
}
