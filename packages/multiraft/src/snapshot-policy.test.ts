import { describe, expect, it } from 'vitest';
import { groupId, type SnapshotMeta } from '@flotilla/raft';
import { MemoryNodeStore, type WriteBatch } from '@flotilla/storage';
import type { NodeLogger } from './node-logger.js';
import type { Replica } from './replica.js';
import { SnapshotPolicy } from './snapshot-policy.js';

const quiet: NodeLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** The part of a replica that trimming reads and moves. */
const trimmingReplica = (snapshotIndex: number, logTrim: Replica['logTrim'], tailCleared: boolean): Replica => {
  const snapshot: SnapshotMeta = { index: snapshotIndex, term: 1, conf: { voters: [], votersOutgoing: [], learners: [], learnersNext: [] } };
  return { group: groupId(7), logTrim, storedLogTailCleared: tailCleared, log: { snapshot: () => snapshot } } as unknown as Replica;
};

describe('SnapshotPolicy.trimLog', () => {
  it('clears what an earlier run left below the snapshot once, then deletes compacted entries 256 per turn', async () => {
    const store = await MemoryNodeStore.open();
    const policy = new SnapshotPolicy({ store, thresholdEntries: 10_000, thresholdBytes: 1 << 30, logger: quiet, onFatal: (error) => { throw error; } });
    const replica = trimmingReplica(9_000, { from: 101, through: 700 }, false);
    const turns: { clears: number; deletes: number }[] = [];
    for (let turn = 0; turn < 6; turn++) {
      let batch: WriteBatch | undefined;
      policy.trimLog(replica, () => (batch ??= store.newBatch()));
      const operations = batch?.operations ?? [];
      turns.push({ clears: operations.filter((op) => op.type === 'clear').length, deletes: operations.filter((op) => op.type === 'del').length });
    }
    // 600 entries: 256 + 256 + 88 after the one-off clear, then nothing is asked of the turn's batch.
    expect(turns).toEqual([
      { clears: 1, deletes: 0 },
      { clears: 0, deletes: 256 },
      { clears: 0, deletes: 256 },
      { clears: 0, deletes: 88 },
      { clears: 0, deletes: 0 },
      { clears: 0, deletes: 0 },
    ]);
    expect(replica.logTrim).toBeUndefined();
    await store.close();
  });
});
