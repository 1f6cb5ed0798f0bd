import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EntryType } from '@flotilla/raft';
import type { Entry, GroupId, NodeId } from '@flotilla/raft';
import { describeNodeStoreConformance } from './testing/conformance.js';
import { StoreCorruptError } from './errors.js';
import { hardStateKey } from './keys.js';
import { LevelNodeStore } from './level-node-store.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'flotilla-storage-'));
}

describeNodeStoreConformance('LevelNodeStore', async () => {
  const dir = await tempDir();
  return { open: (options) => LevelNodeStore.open(dir, options), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

describe('LevelNodeStore group commit', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes every group of a turn with one synced LevelDB batch', async () => {
    const dir = await tempDir();
    const store = await LevelNodeStore.open(dir);
    try {
      // Every LevelDB write goes through one chained batch: count the batches written and their operations.
      const writes: { operations: number; options: unknown }[] = [];
      const chainedBatch = ClassicLevel.prototype.batch;
      vi.spyOn(ClassicLevel.prototype, 'batch').mockImplementation(function (this: ClassicLevel, ...args: unknown[]) {
        const batch = (chainedBatch as (...rest: unknown[]) => ReturnType<ClassicLevel['batch']>).apply(this, args);
        const write = batch.write.bind(batch);
        batch.write = (options?: unknown) => {
          writes.push({ operations: batch.length, options });
          return write(options as never);
        };
        return batch;
      });
      const turn = store.newBatch();
      for (let id = 1; id <= 100; id++) {
        const entries: Entry[] = [1, 2].map((index) => ({ index, term: 1, type: 1, data: new Uint8Array(64) }));
        turn.appendEntries(id as GroupId, entries, 0).setHardState(id as GroupId, { term: 1, vote: 1 as NodeId, commit: 0 });
      }
      await store.writeBatch(turn, { sync: true });

      expect(writes).toEqual([{ operations: 300, options: { sync: true } }]);
      expect(await store.listGroups()).toHaveLength(100);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LevelNodeStore corruption', () => {
  const group = 1 as GroupId;
  let dir = '';

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** A store holding a group's vote and a few entries, closed. */
  const storeWithRaftState = async (): Promise<void> => {
    dir = await tempDir();
    const store = await LevelNodeStore.open(dir);
    const entries: Entry[] = [1, 2, 3].map((index) => ({ index, term: 4, type: EntryType.COMMAND, data: new Uint8Array(256).fill(index) }));
    await store.writeBatch(store.newBatch().appendEntries(group, entries, 0).setHardState(group, { term: 4, vote: 2 as NodeId, commit: 2 }), {
      sync: true,
    });
    await store.close();
  };

  it('refuses to load a group whose stored hard state has a flipped byte', async () => {
    await storeWithRaftState();
    const db = new ClassicLevel<Uint8Array, Uint8Array>(join(dir, 'db'), { keyEncoding: 'view', valueEncoding: 'view' });
    const stored = await db.get(hardStateKey(group));
    if (stored === undefined) throw new Error('the hard state was not stored');
    const flipped = stored.slice();
    flipped[flipped.length - 9] = (flipped[flipped.length - 9] as number) ^ 0x04; // inside the term
    await db.put(hardStateKey(group), flipped);
    await db.close();

    const store = await LevelNodeStore.open(dir);
    try {
      await expect(store.loadGroup(group)).rejects.toThrow(/group 1: stored hard state: checksum mismatch/);
    } finally {
      await store.close();
    }
  });

  it('refuses to open, then and at every later open, when LevelDB dropped part of its write-ahead log', async () => {
    await storeWithRaftState();
    const logFiles = (await readdir(join(dir, 'db'))).filter((name) => name.endsWith('.log'));
    expect(logFiles).toHaveLength(1);
    const logFile = join(dir, 'db', logFiles[0] as string);
    const log = await readFile(logFile);
    const at = Math.floor(log.length / 2);
    log[at] = (log[at] as number) ^ 0xff;
    await writeFile(logFile, log);

    const refusal = /LevelDB at .* is corrupt: .*LevelDB dropped records of its write-ahead log .*\.log: dropping \d+ bytes/;
    await expect(LevelNodeStore.open(dir)).rejects.toThrow(StoreCorruptError);
    await expect(LevelNodeStore.open(dir)).rejects.toThrow(refusal);
  });
});
