import { BOOTSTRAP_INDEX, EntryType, nodeId } from '@flotilla/raft';
import type { ConfState, Entry, SnapshotMeta } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { SimDisk } from './sim-disk.js';

const conf: ConfState = { voters: [nodeId(1)], votersOutgoing: [], learners: [], learnersNext: [] };
const entry = (index: number, term: number): Entry => ({ index, term, type: EntryType.NO_OP, data: new Uint8Array(0) });

describe('SimDisk', () => {
  it('keeps synced writes across a crash and loses the rest', () => {
    const disk = new SimDisk(conf);
    disk.write({ entries: [entry(2, 2)], snapshotChunks: [], hardState: { term: 2, vote: nodeId(1), commit: 1 } });
    disk.sync();
    disk.write({ entries: [entry(3, 2)], snapshotChunks: [], hardState: { term: 3, vote: nodeId(1), commit: 2 } });
    disk.crash();
    expect(disk.durableEntries().map((e) => e.index)).toEqual([2]);
    expect(disk.durableHardState().term).toBe(2);
    const storage = disk.openStorage();
    expect([storage.firstIndex(), storage.lastIndex()]).toEqual([BOOTSTRAP_INDEX + 1, 2]);
  });

  it('installs a snapshot from its staged chunks, in order, replacing the log', () => {
    const disk = new SimDisk(undefined);
    const meta: SnapshotMeta = { index: 9, term: 3, conf };
    const chunk = (offset: number, text: string, done: boolean) => ({ meta, offset, data: new TextEncoder().encode(text), done });
    disk.write({ entries: [], snapshotChunks: [chunk(0, 'abc', false)] });
    disk.write({ entries: [], snapshotChunks: [chunk(3, 'de', true)], snapshot: meta, hardState: { term: 3, vote: nodeId(1), commit: 9 } });
    const [, second] = disk.sync();
    expect(new TextDecoder().decode(second?.installed?.data)).toBe('abcde');
    expect(disk.durableStateMachine().applied).toBe(9);
    expect(disk.openStorage().snapshot().index).toBe(9);
  });

  it('refuses to install a snapshot whose chunks do not line up', () => {
    const disk = new SimDisk(undefined);
    const meta: SnapshotMeta = { index: 9, term: 3, conf };
    disk.write({ entries: [], snapshotChunks: [{ meta, offset: 0, data: new Uint8Array(2), done: false }] });
    disk.write({ entries: [], snapshotChunks: [{ meta, offset: 5, data: new Uint8Array(1), done: true }], snapshot: meta });
    expect(() => disk.sync()).toThrow(/do not line up/);
  });

  it('resumes the state machine from the snapshot when it is newer than the last flush', () => {
    const disk = new SimDisk(conf);
    disk.write({ entries: [entry(2, 2), entry(3, 2)], snapshotChunks: [], hardState: { term: 2, vote: nodeId(1), commit: 3 } });
    disk.sync();
    disk.flushStateMachine({ applied: 2, data: new Uint8Array(0) });
    disk.saveSnapshot({ meta: { index: 3, term: 2, conf }, data: new Uint8Array(1) }, 3);
    expect(disk.durableStateMachine().applied).toBe(3);
    expect(disk.durableEntries()).toEqual([]);
  });
});
