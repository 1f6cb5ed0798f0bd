import { describe, expect, it } from 'vitest';
import { BOOTSTRAP_INDEX, BOOTSTRAP_TERM, nodeId } from '@flotilla/raft';
import { createKeyHasher } from '@flotilla/kv';
import { MemoryNodeStore, MemoryVolume, splitHashSpace } from '@flotilla/storage';
import { clusterIdFor, clusterIdOf, loadOrBootstrap } from './bootstrap.js';

const MEMBERS = [nodeId(3), nodeId(1), nodeId(2)];

describe('loadOrBootstrap', () => {
  it('writes a fresh cluster: one group per shard over equal ranges, every member a voter, from the bootstrap snapshot', async () => {
    const store = await MemoryNodeStore.open();
    const groups = await loadOrBootstrap(store, { self: nodeId(1), members: MEMBERS, shards: 4 }, await createKeyHasher());
    expect(groups.map((group) => group.group)).toEqual([1, 2, 3, 4]);
    expect(groups.map((group) => group.shard?.range)).toEqual(splitHashSpace(4));
    for (const group of groups) {
      expect(group.conf.voters).toEqual([1, 2, 3]);
      expect(group.snapshotMeta).toMatchObject({ index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM });
      expect(group.applyState).toMatchObject({ appliedIndex: BOOTSTRAP_INDEX, appliedTerm: BOOTSTRAP_TERM });
      expect(group.hardState.commit).toBe(BOOTSTRAP_INDEX);
      expect(group.entries).toEqual([]);
    }
    expect(await store.loadNodeMeta()).toEqual({ nodeId: 1, clusterId: clusterIdOf({ self: nodeId(1), members: MEMBERS, shards: 4 }) });
  });

  it('loads what is stored, ignoring the seed\'s shard count once a cluster exists', async () => {
    const volume = new MemoryVolume();
    const hasher = await createKeyHasher();
    const first = await loadOrBootstrap(await MemoryNodeStore.open(volume), { self: nodeId(2), members: MEMBERS, shards: 2 }, hasher);
    const again = await loadOrBootstrap(await MemoryNodeStore.open(volume), { self: nodeId(2), members: MEMBERS, shards: 5 }, hasher);
    expect(again).toEqual(first);
  });

  it('refuses a data directory that belongs to another node, and changes nothing', async () => {
    const volume = new MemoryVolume();
    const hasher = await createKeyHasher();
    await loadOrBootstrap(await MemoryNodeStore.open(volume), { self: nodeId(1), members: MEMBERS, shards: 2 }, hasher);
    const store = await MemoryNodeStore.open(volume);
    await expect(loadOrBootstrap(store, { self: nodeId(2), members: MEMBERS, shards: 2 }, hasher)).rejects.toThrow(/belongs to node 1/);
    expect(await store.loadNodeMeta()).toMatchObject({ nodeId: 1 });
  });

  it('derives one cluster id from the members whatever their order, another from other members or shard counts', () => {
    const id = clusterIdOf({ self: nodeId(1), members: MEMBERS, shards: 4 });
    expect(clusterIdOf({ self: nodeId(3), members: [nodeId(1), nodeId(2), nodeId(3)], shards: 4 })).toBe(id);
    expect(clusterIdOf({ self: nodeId(1), members: [nodeId(1), nodeId(2), nodeId(4)], shards: 4 })).not.toBe(id);
    expect(clusterIdOf({ self: nodeId(1), members: MEMBERS, shards: 5 })).not.toBe(id);
  });

  it('gives the transport the stored cluster id, or for a fresh store the one its seed will found', async () => {
    const volume = new MemoryVolume();
    const seed = { self: nodeId(1), members: MEMBERS, shards: 4 };
    expect(await clusterIdFor(await MemoryNodeStore.open(volume), seed)).toBe(clusterIdOf(seed));
    await loadOrBootstrap(await MemoryNodeStore.open(volume), seed, await createKeyHasher());
    // A restart with other flags still speaks for the cluster it belongs to.
    expect(await clusterIdFor(await MemoryNodeStore.open(volume), { ...seed, shards: 8 })).toBe(clusterIdOf(seed));
  });
});
