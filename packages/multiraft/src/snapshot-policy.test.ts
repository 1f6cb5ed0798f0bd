import { describe, expect, it } from 'vitest';
import { groupId, ProgressState, type SnapshotMeta } from '@flotilla/raft';
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

describe('SnapshotPolicy.compactIfDue', () => {
  const conf = { voters: [], votersOutgoing: [], learners: [], learnersNext: [] };
  /** A leader 2,000 entries past its snapshot, with one follower in the given progress state. */
  const dueLeader = (followerState: ProgressState): { replica: Replica; compacted: SnapshotMeta[] } => {
    const compacted: SnapshotMeta[] = [];
    const replica = {
      group: groupId(7),
      isLeader: true,
      appliedIndex: 2_100,
      appliedTerm: 3,
      bytesSinceSnapshot: 0,
      snapshotInProgress: false,
      compactions: 0,
      logTrim: undefined,
      raft: { status: () => ({ progress: [{ id: 2, state: followerState }] }), confState: () => conf },
      log: {
        snapshot: () => ({ index: 100, term: 1, conf }),
        firstIndex: () => 101,
        compacted: (meta: SnapshotMeta) => {
          compacted.push(meta);
          return Promise.resolve();
        },
      },
    } as unknown as Replica;
    return { replica, compacted };
  };

  it('compacts a leader past the threshold, but not while a follower is receiving a snapshot', async () => {
    const store = await MemoryNodeStore.open();
    const policy = new SnapshotPolicy({ store, thresholdEntries: 1_000, thresholdBytes: 1 << 30, logger: quiet, onFatal: (error) => { throw error; } });
    const replicating = dueLeader(ProgressState.REPLICATE);
    policy.compactIfDue(replicating.replica, () => store.newBatch());
    expect(replicating.compacted.map((meta) => meta.index)).toEqual([2_100]);
    expect(replicating.replica.compactions).toBe(1);

    // Moving the snapshot point would restart the transfer, which then might never finish.
    const sending = dueLeader(ProgressState.SNAPSHOT);
    let asked = false;
    policy.compactIfDue(sending.replica, () => {
      asked = true;
      return store.newBatch();
    });
    expect(sending.compacted).toEqual([]);
    expect(asked).toBe(false);
    await policy.settled();
    await store.close();
  });
});
