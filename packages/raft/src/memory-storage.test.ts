import { describe, expect, it } from 'vitest';
import { CompactedError, InvalidRequestError, UnavailableError } from './errors.js';
import { BOOTSTRAP_INDEX, BOOTSTRAP_TERM, MemoryLogStorage } from './memory-storage.js';
import { conf } from './testing/test-cluster.js';
import type { Entry } from './types.js';
import { EntryType, nodeId } from './types.js';

const entry = (index: number, term: number, size = 0): Entry => ({ index, term, type: EntryType.COMMAND, data: new Uint8Array(size) });

const filled = (count: number, term = 1): MemoryLogStorage => {
  const storage = new MemoryLogStorage();
  storage.append(Array.from({ length: count }, (_, i) => entry(i + 1, term, 10)));
  storage.setHardState({ term, vote: nodeId(1), commit: count });
  return storage;
};

describe('MemoryLogStorage', () => {
  it('bootstraps a founding replica from a snapshot holding the first configuration', () => {
    const storage = new MemoryLogStorage(conf([1, 2]));
    expect(storage.initialState()).toEqual({ hardState: { term: BOOTSTRAP_TERM, vote: 0, commit: BOOTSTRAP_INDEX }, conf: conf([1, 2]) });
    expect(storage.snapshot()).toEqual({ index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM, conf: conf([1, 2]) });
    expect(storage.firstIndex()).toBe(BOOTSTRAP_INDEX + 1);
    expect(storage.lastIndex()).toBe(BOOTSTRAP_INDEX);
    expect(storage.term(BOOTSTRAP_INDEX)).toBe(BOOTSTRAP_TERM);
  });

  it('starts a joining replica empty', () => {
    const storage = new MemoryLogStorage();
    expect(storage.initialState()).toEqual({ hardState: { term: 0, vote: 0, commit: 0 }, conf: conf([]) });
    expect(storage.firstIndex()).toBe(1);
    expect(storage.lastIndex()).toBe(0);
    expect(storage.term(0)).toBe(0);
  });

  it('appends, truncating conflicts and refusing gaps', () => {
    const storage = filled(5);
    storage.append([entry(4, 2), entry(5, 2), entry(6, 2)]);
    expect(storage.entries(1, 7, Infinity).map((e) => e.term)).toEqual([1, 1, 1, 2, 2, 2]);
    storage.append([entry(3, 3)]);
    expect(storage.lastIndex()).toBe(3);
    expect(() => storage.append([entry(9, 3)])).toThrow(InvalidRequestError);
    storage.append([]);
    expect(storage.lastIndex()).toBe(3);
  });

  it('limits entries by bytes but returns at least one', () => {
    const storage = filled(5);
    expect(storage.entries(1, 6, 70).length).toBe(2);
    expect(storage.entries(1, 6, 1).length).toBe(1);
    expect(storage.entries(3, 3, 1)).toEqual([]);
    expect(() => storage.entries(1, 8, 1)).toThrow(UnavailableError);
    expect(() => storage.term(6)).toThrow(UnavailableError);
  });

  it('creates snapshots and compacts only what they cover', () => {
    const storage = filled(10);
    expect(() => storage.compact(5)).toThrow(InvalidRequestError);
    const meta = storage.createSnapshot(6, conf([1, 2, 3]), new Uint8Array([1, 2, 3, 4, 5]));
    expect(meta).toEqual({ index: 6, term: 1, conf: conf([1, 2, 3]) });
    expect(() => storage.createSnapshot(6, conf([1]), new Uint8Array())).toThrow(InvalidRequestError);
    expect(() => storage.createSnapshot(11, conf([1]), new Uint8Array())).toThrow(InvalidRequestError);
    storage.compact(4);
    expect(storage.firstIndex()).toBe(5);
    expect(storage.term(4)).toBe(1);
    expect(() => storage.term(3)).toThrow(CompactedError);
    expect(() => storage.entries(4, 6, Infinity)).toThrow(CompactedError);
    storage.compact(2);
    expect(storage.firstIndex()).toBe(5);
    storage.compact(6);
    expect(storage.entries(7, 11, Infinity).map((e) => e.index)).toEqual([7, 8, 9, 10]);
  });

  it('serves snapshot bytes in chunks', () => {
    const storage = filled(3);
    const meta = storage.createSnapshot(3, conf([1]), new Uint8Array([1, 2, 3, 4, 5]));
    expect(storage.snapshotChunk(meta, 0, 2)).toEqual({ data: new Uint8Array([1, 2]), done: false });
    expect(storage.snapshotChunk(meta, 4, 2)).toEqual({ data: new Uint8Array([5]), done: true });
    expect(() => storage.snapshotChunk(meta, 9, 2)).toThrow(InvalidRequestError);
    expect(() => storage.snapshotChunk({ ...meta, index: 2 }, 0, 2)).toThrow(InvalidRequestError);
  });

  it('applies a received snapshot over the whole log', () => {
    const storage = filled(3);
    storage.applySnapshot({ index: 20, term: 4, conf: conf([1, 2]) }, new Uint8Array([9]));
    expect(storage.firstIndex()).toBe(21);
    expect(storage.lastIndex()).toBe(20);
    expect(storage.term(20)).toBe(4);
    expect(storage.initialState().hardState.commit).toBe(20);
    expect(storage.initialState().conf).toEqual(conf([1, 2]));
    // Entries the snapshot covers are skipped by append.
    storage.append([entry(19, 4), entry(20, 4), entry(21, 4)]);
    expect(storage.lastIndex()).toBe(21);
    storage.append([entry(5, 4)]);
    expect(storage.lastIndex()).toBe(21);
    expect(() => storage.applySnapshot({ index: 10, term: 4, conf: conf([1]) }, new Uint8Array())).toThrow(InvalidRequestError);
  });
});
