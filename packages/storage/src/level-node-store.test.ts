import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Entry, GroupId, NodeId } from '@flotilla/raft';
import { describeNodeStoreConformance } from './testing/conformance.js';
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
