import { describe, expect, it } from 'vitest';
import { EntryType, groupId, nodeId, NO_NODE, SnapshotTemporarilyUnavailableError } from '@flotilla/raft';
import type { ConfState, Entry, SnapshotMeta } from '@flotilla/raft';
import type { SnapshotFile, StoredGroup } from './node-store.js';
import { GroupLog } from './group-log.js';

const CONF: ConfState = { voters: [nodeId(1), nodeId(2), nodeId(3)], votersOutgoing: [], learners: [], learnersNext: [] };
const entry = (index: number, term: number): Entry => ({ index, term, type: EntryType.COMMAND, data: new Uint8Array([index]) });

/** A group stored with its snapshot at index 1 and entries 2..5 of term 2. */
const storedGroup = (overrides: Partial<StoredGroup> = {}): StoredGroup => ({
  group: groupId(1),
  hardState: { term: 2, vote: nodeId(1), commit: 4 },
  conf: CONF,
  snapshotMeta: { index: 1, term: 1, conf: CONF },
  applyState: { appliedIndex: 3, appliedTerm: 2, stateMachine: new Uint8Array(0) },
  entries: [2, 3, 4, 5].map((index) => entry(index, 2)),
  ...overrides,
});

/** A snapshot file whose bytes are `bytes`; it counts its releases. */
const fakeFile = (meta: SnapshotMeta, bytes: Uint8Array) => {
  const file = {
    meta,
    size: bytes.byteLength,
    releases: 0,
    readChunk: (offset: number, maxBytes: number) => {
      const data = bytes.subarray(offset, offset + maxBytes);
      return { data, done: offset + data.byteLength >= bytes.byteLength };
    },
    release: async () => {
      file.releases++;
    },
  };
  return file satisfies SnapshotFile;
};

describe('GroupLog', () => {
  it('rebuilds the stored log: snapshot point, entries after it, hard state', () => {
    const log = new GroupLog(storedGroup());
    expect(log.firstIndex()).toBe(2);
    expect(log.lastIndex()).toBe(5);
    expect(log.term(1)).toBe(1);
    expect(log.term(5)).toBe(2);
    expect(log.entries(3, 5, Number.MAX_SAFE_INTEGER)).toEqual([entry(3, 2), entry(4, 2)]);
    expect(log.initialState().hardState).toEqual({ term: 2, vote: 1, commit: 4 });
    expect(log.snapshot()).toEqual({ index: 1, term: 1, conf: CONF });
  });

  it('never starts with a commit index below what was applied (a lost, unsynced commit is relearned)', () => {
    const log = new GroupLog(storedGroup({ hardState: { term: 2, vote: NO_NODE, commit: 1 } }));
    expect(log.initialState().hardState.commit).toBe(3);
  });

  it('hands out a hard state to write only when its term or vote changed since the stored or last written one', () => {
    const log = new GroupLog(storedGroup());
    expect(log.takeHardState({ term: 2, vote: nodeId(1), commit: 5 }, [])).toBeUndefined();
    expect(log.initialState().hardState.commit).toBe(5);
    expect(log.takeHardState({ term: 3, vote: NO_NODE, commit: 5 }, [])).toEqual({ term: 3, vote: NO_NODE, commit: 5 });
    expect(log.takeHardState({ term: 3, vote: NO_NODE, commit: 6 }, [])).toBeUndefined();
    expect(log.takeHardState(undefined, [])).toBeUndefined();
    expect(log.takeHardState({ term: 3, vote: nodeId(2), commit: 6 }, [])).toEqual({ term: 3, vote: 2, commit: 6 });
    expect(new GroupLog(undefined).takeHardState({ term: 1, vote: NO_NODE, commit: 0 }, [])).toEqual({ term: 1, vote: NO_NODE, commit: 0 });
  });

  it('writes the commit index once committed entries hold a configuration change it does not cover', () => {
    const log = new GroupLog(storedGroup());
    const conf = (index: number): Entry => ({ index, term: 2, type: EntryType.CONFIGURATION, data: new Uint8Array(0), change: { changes: [] } });
    const command = (index: number): Entry => ({ index, term: 2, type: EntryType.COMMAND, data: new Uint8Array(0) });
    expect(log.takeHardState({ term: 2, vote: nodeId(1), commit: 5 }, [command(4), command(5)])).toBeUndefined();
    expect(log.takeHardState({ term: 2, vote: nodeId(1), commit: 7 }, [command(6), conf(7)])).toEqual({ term: 2, vote: 1, commit: 7 });
    // Covered now: the same configuration delivered again needs no write.
    expect(log.takeHardState(undefined, [conf(7)])).toBeUndefined();
    // Committed in an earlier Ready whose committed entries were cut short: the current commit is written.
    expect(log.takeHardState({ term: 2, vote: nodeId(1), commit: 9 }, [command(8)])).toBeUndefined();
    expect(log.takeHardState(undefined, [conf(9)])).toEqual({ term: 2, vote: 1, commit: 9 });
  });

  it('starts empty for a replica with nothing stored', () => {
    const log = new GroupLog(undefined);
    expect([log.firstIndex(), log.lastIndex()]).toEqual([1, 0]);
    expect(log.snapshot().index).toBe(0);
  });

  it('rebuilds a joining replica that stored a term and vote but no snapshot yet', () => {
    const log = new GroupLog({
      group: groupId(1),
      hardState: { term: 4, vote: nodeId(2), commit: 0 },
      conf: CONF,
      applyState: { appliedIndex: 0, appliedTerm: 0, stateMachine: new Uint8Array(0) },
      entries: [],
    });
    expect([log.firstIndex(), log.lastIndex()]).toEqual([1, 0]);
    expect(log.initialState().hardState).toEqual({ term: 4, vote: 2, commit: 0 });
  });

  it('asks for a snapshot file when the core wants bytes it has none for', () => {
    const log = new GroupLog(storedGroup());
    expect(log.hasSnapshotFile()).toBe(false);
    expect(log.snapshotWanted).toBe(false);
    expect(() => log.snapshotChunk(log.snapshot(), 0, 1024)).toThrow(SnapshotTemporarilyUnavailableError);
    expect(log.snapshotWanted).toBe(true);
  });

  it('serves a taken snapshot\'s file, compacts the log up to the given index, and stops asking', async () => {
    const log = new GroupLog(storedGroup());
    expect(() => log.snapshotChunk(log.snapshot(), 0, 1)).toThrow(SnapshotTemporarilyUnavailableError);
    const meta: SnapshotMeta = { index: 3, term: 2, conf: CONF };
    await log.tookSnapshot(fakeFile(meta, new Uint8Array([10, 11, 12])), 2);
    expect(log.snapshotWanted).toBe(false);
    expect(log.hasSnapshotFile()).toBe(true);
    expect(log.snapshot()).toEqual(meta);
    // Entry 3 is kept below the snapshot point, for a follower just behind.
    expect(log.firstIndex()).toBe(3);
    expect(log.snapshotChunk(meta, 0, 2)).toEqual({ data: new Uint8Array([10, 11]), done: false });
    expect(log.snapshotChunk(meta, 2, 2)).toEqual({ data: new Uint8Array([12]), done: true });
    // A request for another snapshot than the file's is refused, and asks again.
    expect(() => log.snapshotChunk({ ...meta, index: 1, term: 1 }, 0, 2)).toThrow(SnapshotTemporarilyUnavailableError);
    expect(log.snapshotWanted).toBe(true);
  });

  it('releases the file it replaces, the one an install makes stale, and its last one on close', async () => {
    const log = new GroupLog(storedGroup());
    const first = fakeFile({ index: 3, term: 2, conf: CONF }, new Uint8Array(1));
    const second = fakeFile({ index: 4, term: 2, conf: CONF }, new Uint8Array(1));
    await log.tookSnapshot(first, 2);
    await log.tookSnapshot(second, 3);
    expect([first.releases, second.releases]).toEqual([1, 0]);

    const installed: SnapshotMeta = { index: 20, term: 5, conf: CONF };
    await log.installedSnapshot(installed);
    expect(second.releases).toBe(1);
    expect(log.hasSnapshotFile()).toBe(false);
    expect(log.snapshot()).toEqual(installed);
    expect([log.firstIndex(), log.lastIndex()]).toEqual([21, 20]);

    const third = fakeFile(installed, new Uint8Array(1));
    await log.tookSnapshot(third, 20);
    await log.close();
    expect(third.releases).toBe(1);
  });

  it('compacts to the applied point without a file, releasing the older file it made stale', async () => {
    const log = new GroupLog(storedGroup());
    const file = fakeFile({ index: 2, term: 2, conf: CONF }, new Uint8Array(1));
    await log.tookSnapshot(file, 1);
    const meta: SnapshotMeta = { index: 4, term: 2, conf: CONF };
    await log.compacted(meta, 3);
    expect(file.releases).toBe(1);
    expect(log.snapshot()).toEqual(meta);
    expect([log.firstIndex(), log.lastIndex()]).toEqual([4, 5]);
    // The core then needs a file of the new point before it can send it.
    expect(log.hasSnapshotFile()).toBe(false);
    expect(() => log.snapshotChunk(meta, 0, 1)).toThrow(SnapshotTemporarilyUnavailableError);
    expect(log.snapshotWanted).toBe(true);
  });
});
