import { limitEntries } from './entry-size.js';
import { CompactedError, RaftInvariantError, UnavailableError } from './errors.js';
import type { LogStorage } from './storage.js';
import type { Entry, SnapshotMeta } from './types.js';
import { Unstable } from './unstable.js';

/** A position in the log. */
export interface LogPosition {
  readonly index: number;
  readonly term: number;
}

/**
 * The replica's log as Raft sees it: the stable part in `LogStorage` plus the unstable tail,
 * with the commit and apply cursors.
 */
export class RaftLog {
  readonly unstable: Unstable;
  committed: number;
  applied: number;
  /** Highest index handed out in a Ready's committedEntries (>= applied). */
  applying: number;

  constructor(readonly storage: LogStorage, committed: number, applied: number) {
    this.unstable = new Unstable(storage.lastIndex() + 1);
    const first = storage.firstIndex();
    if (applied < first - 1 || applied > committed || committed > storage.lastIndex()) {
      throw new RaftInvariantError(
        `restart cursors out of range: applied ${applied}, commit ${committed}, log [${first}, ${storage.lastIndex()}]`,
      );
    }
    this.committed = committed;
    this.applied = applied;
    this.applying = applied;
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  lastTerm(): number {
    return this.term(this.lastIndex());
  }

  /** Term at `index`; throws `CompactedError` / `UnavailableError` outside [firstIndex-1, lastIndex]. */
  term(index: number): number {
    if (index < this.firstIndex() - 1) throw new CompactedError(index);
    if (index > this.lastIndex()) throw new UnavailableError(index);
    return this.unstable.maybeTerm(index) ?? this.storage.term(index);
  }

  termOrUndefined(index: number): number | undefined {
    if (index < this.firstIndex() - 1 || index > this.lastIndex()) return undefined;
    return this.unstable.maybeTerm(index) ?? this.storage.term(index);
  }

  matchTerm(index: number, term: number): boolean {
    return this.termOrUndefined(index) === term;
  }

  /** Raft's election restriction: a log ending at (lastIndex, term) is at least as up to date as ours. */
  isUpToDate(lastIndex: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lastIndex >= this.lastIndex());
  }

  /** Index of the first entry that is new or disagrees with ours; 0 when all are already here. */
  findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /**
   * The conflict-term hint: the largest position <= `index` whose term is <= `term`. A probe
   * skips every entry of a term the other side cannot have, so one round trip per term suffices.
   */
  findConflictByTerm(index: number, term: number): LogPosition {
    for (let at = index; at > 0; at--) {
      const found = this.termOrUndefined(at);
      if (found === undefined) return { index: at, term: 0 };
      if (found <= term) return { index: at, term: found };
    }
    return { index: 0, term: 0 };
  }

  /**
   * A follower's append: the new last index when (prevIndex, prevTerm) matches, else undefined.
   * The log then agrees with the leader's up to that index; what is committed the caller decides.
   */
  maybeAppend(prevIndex: number, prevTerm: number, entries: readonly Entry[]): number | undefined {
    if (!this.matchTerm(prevIndex, prevTerm)) return undefined;
    const lastNewIndex = prevIndex + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      if (conflict <= this.committed) {
        throw new RaftInvariantError(`entry ${conflict} conflicts with the committed prefix (commit ${this.committed})`);
      }
      this.append(entries.slice(conflict - prevIndex - 1));
    }
    return lastNewIndex;
  }

  append(entries: readonly Entry[]): number {
    const first = entries[0];
    if (first !== undefined) {
      if (first.index - 1 < this.committed) {
        throw new RaftInvariantError(`append at ${first.index} would overwrite committed ${this.committed}`);
      }
      this.unstable.truncateAndAppend(entries);
    }
    return this.lastIndex();
  }

  /** Entries from `lo` to the end, at most `maxBytes` (but at least one). */
  entriesFrom(lo: number, maxBytes: number): Entry[] {
    if (lo > this.lastIndex()) return [];
    return this.slice(lo, this.lastIndex() + 1, maxBytes);
  }

  /** Entries in [lo, hi), at most `maxBytes` (but at least one). Throws `CompactedError` below firstIndex. */
  slice(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo < this.firstIndex()) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    if (lo >= hi) return [];
    const offset = this.unstable.offset;
    let entries: Entry[] = [];
    if (lo < offset) {
      const stableHi = Math.min(hi, offset);
      entries = this.storage.entries(lo, stableHi, maxBytes);
      if (entries.length < stableHi - lo) return entries;
    }
    if (hi > offset) entries = entries.concat(this.unstable.slice(Math.max(lo, offset), hi));
    return limitEntries(entries, maxBytes);
  }

  commitTo(index: number): void {
    if (index <= this.committed) return;
    if (index > this.lastIndex()) {
      throw new RaftInvariantError(`commit ${index} is beyond the last index ${this.lastIndex()}`);
    }
    this.committed = index;
  }

  appliedTo(index: number): void {
    if (index === 0 || index <= this.applied) return;
    if (index > this.committed) {
      throw new RaftInvariantError(`applied ${index} is beyond the commit index ${this.committed}`);
    }
    this.applied = index;
    this.applying = Math.max(this.applying, index);
  }

  hasPendingSnapshot(): boolean {
    return this.unstable.snapshot !== undefined;
  }

  /** Committed entries not yet handed out for applying (none while a snapshot waits to be installed). */
  nextCommittedEntries(maxBytes: number): Entry[] {
    if (this.hasPendingSnapshot() || this.applying >= this.committed) return [];
    return this.slice(this.applying + 1, this.committed + 1, maxBytes);
  }

  hasNextCommittedEntries(): boolean {
    return !this.hasPendingSnapshot() && this.applying < this.committed;
  }

  /** Last index that is both durable and still part of this log: what the leader may count for itself. */
  persistedLastIndex(): number {
    if (this.unstable.snapshot !== undefined) return 0;
    return Math.min(this.storage.lastIndex(), this.unstable.offset - 1);
  }

  /** Installs a received snapshot: the whole log is replaced and commit jumps to its index. */
  restore(snapshot: SnapshotMeta): void {
    this.committed = snapshot.index;
    this.unstable.restore(snapshot);
  }
}
