import { createHash } from 'node:crypto';
import { BOOTSTRAP_INDEX, BOOTSTRAP_TERM, NO_NODE, groupId } from '@flotilla/raft';
import type { ConfState, NodeId } from '@flotilla/raft';
import { KvStateMachine } from '@flotilla/kv';
import type { KeyHasher } from '@flotilla/kv';
import { splitHashSpace, type NodeStore, type StoredGroup } from '@flotilla/storage';
import type { NodeConfig } from './node-config.js';

export interface ClusterSeed {
  readonly self: NodeId;
  /** Every founding member, this node included. */
  readonly members: readonly NodeId[];
  readonly shards: number;
  /** Joins a running cluster instead of founding one: see `NodeConfig.joining`. */
  readonly joining?: boolean;
}

/** What a node's configuration says the cluster was founded with. */
export const clusterSeedOf = (config: NodeConfig): ClusterSeed => ({
  self: config.id,
  members: [...config.peers.keys()],
  shards: config.initialShards,
  ...(config.joining === true ? { joining: true } : {}),
});

/**
 * Every founding node derives the same id from the same seed, so two nodes started with
 * different member lists or shard counts can tell that they do not belong together.
 */
export const clusterIdOf = (seed: ClusterSeed): string =>
  createHash('sha256')
    .update(`flotilla/${[...seed.members].sort((a, b) => a - b).join(',')}/${seed.shards}`)
    .digest('hex')
    .slice(0, 16);

/** The cluster this store belongs to: the one it records, or for a fresh store the one the seed founds. */
export async function clusterIdFor(store: NodeStore, seed: ClusterSeed): Promise<string> {
  return (await store.loadNodeMeta())?.clusterId ?? clusterIdOf(seed);
}

/**
 * The node's groups as stored, after writing a fresh cluster's first state if the store is
 * empty: `shards` groups (ids 1..N) over equal hash ranges, each replicated on every founding
 * member, starting from the bootstrap snapshot at index 1 (the same on every member).
 */
export async function loadOrBootstrap(store: NodeStore, seed: ClusterSeed, hasher: KeyHasher): Promise<StoredGroup[]> {
  const meta = await store.loadNodeMeta();
  if (meta === undefined) {
    const conf: ConfState = {
      voters: [...seed.members].sort((a, b) => a - b),
      votersOutgoing: [],
      learners: [],
      learnersNext: [],
    };
    const batch = store.newBatch().setNodeMeta({ nodeId: seed.self, clusterId: clusterIdOf(seed) });
    const emptyState = new KvStateMachine(hasher).stateBlob();
    splitHashSpace(seed.shards).forEach((range, i) => {
      const group = groupId(i + 1);
      batch.setShard(group, { range, data: new Uint8Array(0) });
      if (seed.joining === true) {
        batch.setApplyState(group, { appliedIndex: 0, appliedTerm: 0, stateMachine: emptyState });
        return;
      }
      batch
        .setSnapshotMeta(group, { index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM, conf })
        .setConfState(group, conf)
        .setHardState(group, { term: BOOTSTRAP_TERM, vote: NO_NODE, commit: BOOTSTRAP_INDEX })
        .setApplyState(group, { appliedIndex: BOOTSTRAP_INDEX, appliedTerm: BOOTSTRAP_TERM, stateMachine: emptyState });
    });
    await store.writeBatch(batch, { sync: true });
  } else if (meta.nodeId !== seed.self) {
    throw new Error(`the data directory belongs to node ${meta.nodeId}, not node ${seed.self}`);
  }
  const groups: StoredGroup[] = [];
  for (const group of await store.listGroups()) {
    const stored = await store.loadGroup(group);
    if (stored !== undefined) groups.push(stored);
  }
  return groups;
}
