import { describe, expect, it } from 'vitest';
import { CompactedError, RaftInvariantError, UnavailableError } from './errors.js';
import { RaftLog } from './log.js';
import { MemoryLogStorage } from './memory-storage.js';
import { conf } from './testing/test-cluster.js';
import type { Entry } from './types.js';
import { EntryType } from './types.js';

const entry = (index: number, term: number, size = 0): Entry => ({ index, term, type: EntryType.COMMAND, data: new Uint8Array(size) });
const terms = (entries: Entry[]): number[] => entries.map((e) => e.term);

/** A log whose terms are `termsByIndex` (index 1 first), all stable. */
const stableLog = (termsByIndex: number[]): RaftLog => {
  const storage = new MemoryLogStorage();
  storage.append(termsByIndex.map((term, i) => entry(i + 1, term)));
  return new RaftLog(storage, 0, 0);
};

describe('RaftLog', () => {
  it('appends from a leader, truncating only conflicting entries', () => {
    const log = stableLog([1, 1, 2]);
    expect(log.maybeAppend(3, 2, [entry(4, 2)])).toBe(4);
    expect(log.maybeAppend(1, 1, [entry(2, 1), entry(3, 3)])).toBe(3);
    expect(terms(log.slice(1, log.lastIndex() + 1, Infinity))).toEqual([1, 1, 3]);
    expect(log.maybeAppend(3, 2, [])).toBeUndefined();
    expect(log.maybeAppend(3, 3, [])).toBe(3);
    // Duplicates of what is held change nothing.
    expect(log.maybeAppend(1, 1, [entry(2, 1)])).toBe(2);
    expect(log.lastIndex()).toBe(3);
  });

  it('never truncates the committed prefix', () => {
    const log = stableLog([1, 1, 2]);
    log.commitTo(3);
    expect(() => log.maybeAppend(1, 1, [entry(2, 5)])).toThrow(RaftInvariantError);
    expect(() => log.commitTo(9)).toThrow(RaftInvariantError);
  });

  it('finds the conflict-term hint', () => {
    const log = stableLog([1, 1, 2, 2, 4, 4, 4]);
    expect(log.findConflictByTerm(7, 3)).toEqual({ index: 4, term: 2 });
    expect(log.findConflictByTerm(7, 4)).toEqual({ index: 7, term: 4 });
    expect(log.findConflictByTerm(7, 1)).toEqual({ index: 2, term: 1 });
    expect(log.findConflictByTerm(7, 0)).toEqual({ index: 0, term: 0 });
  });

  it('checks up-to-dateness by last term, then length', () => {
    const log = stableLog([1, 2, 2]);
    expect(log.isUpToDate(3, 2)).toBe(true);
    expect(log.isUpToDate(2, 2)).toBe(false);
    expect(log.isUpToDate(1, 3)).toBe(true);
    expect(log.isUpToDate(9, 1)).toBe(false);
  });

  it('slices across stable and unstable entries under a byte limit', () => {
    const log = stableLog([1, 1]);
    log.append([entry(3, 2, 100), entry(4, 2, 100)]);
    expect(log.slice(1, 5, Infinity).map((e) => e.index)).toEqual([1, 2, 3, 4]);
    expect(log.slice(2, 5, 150).map((e) => e.index)).toEqual([2, 3]);
    expect(log.entriesFrom(5, 100)).toEqual([]);
    expect(() => log.slice(0, 2, Infinity)).toThrow(CompactedError);
    expect(() => log.slice(1, 9, Infinity)).toThrow(UnavailableError);
    expect(() => log.term(9)).toThrow(UnavailableError);
  });

  it('hands out committed entries once and tracks what is persisted', () => {
    const log = stableLog([1]);
    log.append([entry(2, 1)]);
    expect(log.persistedLastIndex()).toBe(1);
    log.commitTo(2);
    expect(log.nextCommittedEntries(Infinity).map((e) => e.index)).toEqual([1, 2]);
    log.applying = 2;
    expect(log.hasNextCommittedEntries()).toBe(false);
    log.unstable.stableTo(2, 1);
    log.appliedTo(2);
    expect(log.applied).toBe(2);
    expect(() => log.appliedTo(3)).toThrow(RaftInvariantError);
  });

  it('restores from a snapshot', () => {
    const log = stableLog([1, 1]);
    log.restore({ index: 10, term: 3, conf: conf([1]) });
    expect(log.firstIndex()).toBe(11);
    expect(log.lastIndex()).toBe(10);
    expect(log.term(10)).toBe(3);
    expect(log.committed).toBe(10);
    expect(log.hasPendingSnapshot()).toBe(true);
    expect(log.nextCommittedEntries(Infinity)).toEqual([]);
    expect(log.persistedLastIndex()).toBe(0);
    expect(log.termOrUndefined(5)).toBeUndefined();
  });

  it('refuses restart cursors outside the log', () => {
    const storage = new MemoryLogStorage(conf([1]));
    expect(() => new RaftLog(storage, 3, 0)).toThrow(RaftInvariantError);
  });
});

describe('Unstable', () => {
  it('replaces a conflicting tail and survives a stale stableTo', () => {
    const log = stableLog([]);
    log.append([entry(1, 1), entry(2, 1), entry(3, 1)]);
    log.unstable.markInProgress();
    expect(log.unstable.nextEntries()).toEqual([]);
    log.append([entry(2, 2)]);
    expect(log.unstable.nextEntries().map((e) => e.index)).toEqual([2]);
    // The persisted entry 3 of term 1 is gone from the log: stableTo(3, 1) must not drop anything.
    log.unstable.stableTo(3, 1);
    expect(log.unstable.entries.length).toBe(2);
    log.unstable.stableTo(2, 2);
    expect(log.unstable.offset).toBe(3);
    log.append([entry(1, 3)]);
    expect(log.unstable.offset).toBe(1);
    expect(() => log.unstable.truncateAndAppend([entry(5, 3)])).toThrow(RaftInvariantError);
    expect(() => log.unstable.slice(0, 1)).toThrow(RaftInvariantError);
  });

  it('hands out a snapshot once', () => {
    const log = stableLog([]);
    const meta = { index: 4, term: 2, conf: conf([1]) };
    log.restore(meta);
    expect(log.unstable.nextSnapshot()).toBe(meta);
    log.unstable.markInProgress();
    expect(log.unstable.nextSnapshot()).toBeUndefined();
    log.unstable.stableSnapTo(4);
    expect(log.unstable.snapshot).toBeUndefined();
  });
});
