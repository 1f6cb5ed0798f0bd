import { Role } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import type { ClientSink } from '../sim/cluster.js';
import { commitOf, elect, isLeader, n, proposePut, scriptedCluster, settle } from './scripted-cluster.js';

describe('elections', () => {
  it('resolves a split vote through randomized timeouts', async () => {
    const cluster = await scriptedCluster(4, {}, 3);
    // n1 and n2 campaign in term 2 at once, each heard by one other voter: 2 votes of 4 each.
    cluster.network.links.partition([n(1), n(3)], [n(2), n(4)]);
    cluster.node(n(1)).raw().campaign();
    cluster.node(n(2)).raw().campaign();
    await cluster.run(5);
    for (const id of [n(1), n(2)]) {
      const { hardState, softState } = cluster.node(id).status();
      expect([hardState.term, softState.role]).toEqual([2, Role.CANDIDATE]);
    }
    expect(cluster.leader()).toBeUndefined();

    cluster.network.links.healAll();
    cluster.ticking = true;
    if (!(await cluster.runUntil(() => cluster.leader() !== undefined, 300))) throw new Error('the split vote never resolved');
    const leader = cluster.leader();
    expect(leader?.status().hardState.term).toBeGreaterThan(2);
    proposePut(cluster, leader?.id ?? n(1), 'k', 'v');
    await settle(cluster, [n(1), n(2), n(3), n(4)], commitOf(cluster, leader?.id ?? n(1)) + 1);
  });

  it('a partitioned stale leader never answers a ReadIndex, while the majority moves on', async () => {
    const cluster = await scriptedCluster(3, { preVote: true, checkQuorum: true }, 5);
    const reads: { client: number; value: string | null }[] = [];
    const sink: ClientSink = {
      completeWrite: () => undefined,
      completeRead: (client, _seq, _key, value) => reads.push({ client, value }),
    };
    cluster.clientSink = sink;
    await elect(cluster, n(1));
    proposePut(cluster, n(1), 'k', 'old');
    await settle(cluster, [n(1), n(2), n(3)], 3);

    cluster.ticking = true;
    cluster.network.links.isolate(n(1), [n(2), n(3)]);
    expect(cluster.submit(n(1), { kind: 'read', client: 1, seq: 1, key: 'k' })).toEqual({ accepted: true });
    if (!(await cluster.runUntil(() => isLeader(cluster, n(2)) || isLeader(cluster, n(3)), 300))) throw new Error('the majority elected no leader');
    const newLeader = isLeader(cluster, n(2)) ? n(2) : n(3);
    proposePut(cluster, newLeader, 'k', 'new');
    await cluster.run(100);
    expect(cluster.node(newLeader).kvState().get('k')).toBe('new');
    // The old leader could not confirm its leadership with a quorum: the read stays unanswered,
    // and CheckQuorum has made it step down.
    expect(reads).toEqual([]);
    expect(isLeader(cluster, n(1))).toBe(false);

    cluster.network.links.healAll();
    await cluster.run(50);
    expect(reads).toEqual([]);
    expect(cluster.submit(newLeader, { kind: 'read', client: 2, seq: 1, key: 'k' })).toEqual({ accepted: true });
    await cluster.run(20);
    expect(reads).toEqual([{ client: 2, value: 'new' }]);
  });
});
