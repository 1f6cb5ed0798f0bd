import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import { HASH_SPACE_END } from '@flotilla/storage';
import { InMemoryCluster } from './testing/in-memory-cluster.js';

const SEED = 11;
const SHARDS = 4;

describe(`a fresh 3-node cluster with ${SHARDS} shards (seed ${SEED})`, () => {
  let cluster: InMemoryCluster;
  beforeAll(async () => {
    cluster = await InMemoryCluster.start({ shards: SHARDS, seed: SEED });
  });
  afterAll(() => cluster.close());

  it('elects one leader per group, known to every node, and every node is ready', () => {
    expect(cluster.groupIds()).toHaveLength(SHARDS);
    for (const group of cluster.groupIds()) {
      const leader = cluster.leaderOf(group);
      expect(leader).toBeDefined();
      for (const id of cluster.ids) expect(cluster.groupStatus(id, group).leader).toBe(leader);
    }
    for (const id of cluster.ids) expect(cluster.node(id).service.isReady()).toBe(true);
  });

  it('spreads the leaderships: every node leads at least one group', () => {
    const leaders = new Set<NodeId | undefined>(cluster.groupIds().map((group) => cluster.leaderOf(group)));
    for (const id of cluster.ids) expect(leaders.has(id)).toBe(true);
  });

  it('reports consistent status on every node', () => {
    for (const id of cluster.ids) {
      const status = cluster.node(id).service.status();
      expect(status.node).toBe(id);
      for (const group of status.groups) {
        expect(group.commitIndex).toBeGreaterThanOrEqual(group.appliedIndex);
        expect(group.appliedIndex).toBeGreaterThanOrEqual(group.snapshotIndex);
        expect(group.lastIndex).toBeGreaterThanOrEqual(group.commitIndex);
        expect(group.firstIndex).toBeLessThanOrEqual(group.lastIndex + 1);
        expect(group.voters).toEqual([1, 2, 3]);
        expect(group.learners).toEqual([]);
        expect(group.role === Role.LEADER).toBe(group.leader === id);
      }
    }
  });

  it('gives the groups ranges that tile the hash space in group order', () => {
    for (const id of cluster.ids) {
      const ranges = cluster.node(id).service.status().groups.map((group) => group.range);
      expect(ranges[0]?.start).toBe('0');
      expect(ranges.at(-1)?.end).toBe(HASH_SPACE_END.toString());
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.start).toBe(ranges[i - 1]?.end);
    }
  });
});
