import { ConfChangeKind } from '@flotilla/raft';
import { MemoryNodeStore } from '@flotilla/storage';
import type { StoredGroup } from '@flotilla/storage';
import { describe, expect, it } from 'vitest';
import { elect, n, proposePut, scriptedCluster, settle } from '../scenarios/scripted-cluster.js';
import type { Cluster } from './cluster.js';
import { SIM_GROUP } from './sim-node.js';

/** What a node's volume holds, read by a store of its own, as the node's next start will read it. */
async function storedOn(cluster: Cluster, id: number): Promise<StoredGroup | undefined> {
  const store = await MemoryNodeStore.open(cluster.node(n(id)).volume);
  try {
    return await store.loadGroup(SIM_GROUP);
  } finally {
    await store.close();
  }
}

describe('a simulated node on its NodeStore', () => {
  it('writes every Ready through the store and restarts from what the store holds', async () => {
    const cluster = await scriptedCluster(3);
    await elect(cluster, n(1));
    proposePut(cluster, n(1), 'k', 'v');
    await settle(cluster, [n(1), n(2), n(3)], 3);
    const { hardState, lastIndex } = cluster.node(n(2)).status();

    cluster.crash(n(2));
    const stored = await storedOn(cluster, 2);
    expect(stored?.entries.map((entry) => entry.index)).toEqual([2, 3]);
    // Term and vote are written; the commit index is volatile, relearned after the restart.
    expect(stored?.hardState).toMatchObject({ term: hardState.term, vote: hardState.vote });
    expect(stored?.hardState.commit).toBeLessThan(hardState.commit);
    expect(stored?.snapshotMeta?.index).toBe(1);

    await cluster.restart(n(2));
    expect(cluster.node(n(2)).status().lastIndex).toBe(lastIndex);
    // It learns the commit index again from the leader's heartbeat.
    await settle(cluster, [n(2)], 3);
    expect(cluster.node(n(2)).kvState().get('k')).toBe('v');
  });

  it('keeps or loses a Ready whose sync was in flight at a power loss, as the coin fell', async () => {
    for (const landed of [false, true]) {
      const cluster = await scriptedCluster(3);
      await elect(cluster, n(1));
      await settle(cluster, [n(1), n(2), n(3)], 2);
      // Syncs now lag far behind: the followers' appends of the next entry stay in flight.
      cluster.syncDelayStepsMax = 1000;
      proposePut(cluster, n(1), 'k', 'v');
      await cluster.run(2);
      expect(cluster.node(n(2)).status().lastIndex).toBe(3);
      expect(cluster.node(n(2)).volume.syncs.heldCount).toBeGreaterThan(0);

      cluster.node(n(2)).crash(() => landed);
      expect((await storedOn(cluster, 2))?.entries.map((entry) => entry.index)).toEqual(landed ? [2, 3] : [2]);
      await cluster.restart(n(2));
      expect(cluster.node(n(2)).status().lastIndex).toBe(landed ? 3 : 2);
    }
  });

  it('compacts its stored log behind a snapshot file, and serves that file to a node that joins', async () => {
    const cluster = await scriptedCluster(3);
    cluster.ticking = true;
    await elect(cluster, n(1));
    for (const key of ['a', 'b', 'c']) proposePut(cluster, n(1), key, key);
    await settle(cluster, [n(1), n(2), n(3)], 5);
    cluster.node(n(1)).requestSnapshot(4);
    await cluster.run(1);
    expect(cluster.counters.snapshotsTaken).toBe(1);
    // The compaction is an unsynced write: the next synced one (this entry's) makes it durable.
    proposePut(cluster, n(1), 'd', 'd');
    await settle(cluster, [n(1), n(2), n(3)], 6);

    const learner = (await cluster.addNode()).id;
    cluster.node(n(1)).raw().proposeConfChange({ changes: [{ kind: ConfChangeKind.ADD_LEARNER, node: learner }] });
    await settle(cluster, [learner], 7, 300);
    expect(cluster.counters.snapshotsInstalled).toBe(1);
    expect(cluster.node(learner).kvState().get('c')).toBe('c');

    const { lastIndex } = cluster.node(n(1)).status();
    cluster.crash(n(1));
    const stored = await storedOn(cluster, 1);
    expect(stored?.snapshotMeta?.index).toBe(5);
    expect(stored?.applyState.appliedIndex).toBeGreaterThanOrEqual(5);
    expect(stored?.entries.map((entry) => entry.index)).toEqual(Array.from({ length: lastIndex - 5 }, (_, i) => 6 + i));
  });
});
