import { MessageType } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../sim/cluster.js';
import { commitOf, elect, n, proposePut, scriptedCluster, settle } from './scripted-cluster.js';

const lastIndexOf = (cluster: Cluster, id: NodeId): number => cluster.node(id).status().lastIndex;

/** Every node holds the same term at every index up to the leader's last. */
function expectLogsEqual(cluster: Cluster, ids: readonly NodeId[], lastIndex: number): void {
  for (let index = 2; index <= lastIndex; index++) {
    const terms = ids.map((id) => cluster.checker.logTermAt(id, index));
    expect(new Set(terms).size, `terms at index ${index}: ${terms.join(',')}`).toBe(1);
  }
}

describe('Figure 7: divergent followers are repaired', () => {
  it('overwrites missing and extra uncommitted entries of several old terms', async () => {
    const cluster = await scriptedCluster(5);
    const all = [n(1), n(2), n(3), n(4), n(5)];
    await elect(cluster, n(1));
    proposePut(cluster, n(1), 'a1', 'committed');
    proposePut(cluster, n(1), 'a2', 'committed');
    await settle(cluster, all, 4);

    // Term 2: n1 appends three entries that only n2 receives.
    cluster.network.links.partition([n(1), n(2)], [n(3), n(4), n(5)]);
    for (const key of ['b1', 'b2', 'b3']) proposePut(cluster, n(1), key, 'lost');
    await cluster.run(5);
    expect(lastIndexOf(cluster, n(2))).toBe(7);

    // Term 3: n3 wins with n4 and n5, commits its NO_OP, then appends two entries alone.
    await elect(cluster, n(3));
    await settle(cluster, [n(3), n(4), n(5)], 5);
    cluster.network.links.healAll();
    cluster.network.links.isolate(n(3), all);
    for (const key of ['c1', 'c2']) proposePut(cluster, n(3), key, 'lost');
    await cluster.run(5);
    expect(lastIndexOf(cluster, n(3))).toBe(7);

    // Term 4: n4 (last term 3) wins with n1, n2 and n5 and overwrites their term-2 tails.
    cluster.network.links.healAll();
    cluster.network.links.isolate(n(3), all);
    await elect(cluster, n(4));
    proposePut(cluster, n(4), 'd1', 'committed');
    cluster.ticking = true;
    await settle(cluster, [n(1), n(2), n(4), n(5)], 7, 300);

    // n3 comes back with its term-3 tail, which must go too.
    cluster.network.links.healAll();
    await settle(cluster, all, 7, 300);
    expectLogsEqual(cluster, all, lastIndexOf(cluster, n(4)));
    for (const id of all) {
      const kv = cluster.node(id).kvState();
      expect([kv.get('a1'), kv.get('a2'), kv.get('d1')]).toEqual(['committed', 'committed', 'committed']);
      for (const key of ['b1', 'b2', 'b3', 'c1', 'c2']) expect(kv.get(key)).toBeNull();
    }
  });
});

describe('leader crash in the middle of replication', () => {
  it('keeps an entry that reached a majority and drops one that reached no one', async () => {
    const cluster = await scriptedCluster(3);
    const all = [n(1), n(2), n(3)];
    await elect(cluster, n(1));
    await settle(cluster, all, 2);

    // P1 reaches n2 only, and n1 crashes before it hears the acknowledgement: n1, n2 hold it.
    cluster.network.intercept = (message) => (message.type === MessageType.APP && message.to === n(3) ? undefined : message);
    proposePut(cluster, n(1), 'p1', 'kept');
    await cluster.step();
    cluster.crash(n(1));
    cluster.network.intercept = undefined;
    await cluster.step();
    expect(cluster.checker.logTermAt(n(2), 3)).toBe(2);
    expect(commitOf(cluster, n(2))).toBe(2);

    // n3 cannot win (n2's log is newer); n2 can, and its NO_OP commits P1 with it.
    cluster.node(n(3)).raw().campaign();
    await cluster.run(5);
    expect(cluster.leader()).toBeUndefined();
    await elect(cluster, n(2));
    await settle(cluster, [n(2), n(3)], 4);
    expect(cluster.node(n(3)).kvState().get('p1')).toBe('kept');

    // P2 reaches no one before n2 crashes; the next leader's log replaces it.
    cluster.network.links.isolate(n(2), all);
    proposePut(cluster, n(2), 'p2', 'lost');
    await cluster.step();
    cluster.crash(n(2));
    cluster.network.links.healAll();
    await cluster.restart(n(1));
    await elect(cluster, n(3));
    proposePut(cluster, n(3), 'p3', 'kept');
    await cluster.restart(n(2));
    cluster.ticking = true;
    await settle(cluster, all, 6, 300);
    for (const id of all) {
      const kv = cluster.node(id).kvState();
      expect([kv.get('p1'), kv.get('p2'), kv.get('p3')]).toEqual(['kept', null, 'kept']);
    }
  });
});
