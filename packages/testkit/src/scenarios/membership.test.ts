import { ConfChangeKind, MessageType } from '@flotilla/raft';
import type { ConfChangeSingle, NodeId } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../sim/cluster.js';
import { SIM_GROUP } from '../sim/sim-node.js';
import { commitOf, elect, isLeader, n, proposePut, scriptedCluster, settle } from './scripted-cluster.js';

function changeMembership(cluster: Cluster, leader: NodeId, changes: readonly ConfChangeSingle[]): void {
  cluster.node(leader).raw().proposeConfChange({ changes });
}

/** Steps until `id` has applied a configuration out of joint consensus with exactly these voters. */
async function awaitVoters(cluster: Cluster, id: NodeId, voters: readonly NodeId[], maxSteps = 300): Promise<void> {
  const done = (): boolean => {
    const conf = cluster.node(id).conf();
    return conf.votersOutgoing.length === 0 && [...conf.voters].sort().join() === [...voters].sort().join();
  };
  if (!(await cluster.runUntil(done, maxSteps))) throw new Error(`node ${id} did not reach voters ${voters.join(',')}`);
}

/** Shuts down the nodes that applied their own removal, as a host does. */
function retireRemoved(cluster: Cluster): void {
  for (const node of cluster.runningNodes()) if (node.appliedOwnRemoval) cluster.retire(node.id);
}

describe('membership changes under partitions', () => {
  it('cannot commit the joint configuration while the old majority is partitioned away', async () => {
    const cluster = await scriptedCluster(3);
    cluster.ticking = true;
    await elect(cluster, n(1));
    for (let added = 0; added < 2; added++) {
      const learner = (await cluster.addNode()).id;
      changeMembership(cluster, n(1), [{ kind: ConfChangeKind.ADD_LEARNER, node: learner }]);
      if (!(await cluster.runUntil(() => cluster.node(n(1)).conf().learners.includes(learner) && cluster.node(n(1)).conf().votersOutgoing.length === 0, 300))) {
        throw new Error(`learner ${learner} was not added`);
      }
    }
    await settle(cluster, [n(4), n(5)], commitOf(cluster, n(1)), 300);

    // C-old = {1,2,3}, C-new = {1,4,5}; with 2 and 3 cut off, only C-new can answer. The clock
    // stops so that no election interferes: replication and acknowledgements still flow.
    cluster.ticking = false;
    cluster.network.links.partition([n(2), n(3)], [n(1), n(4), n(5)]);
    const commitBefore = commitOf(cluster, n(1));
    changeMembership(cluster, n(1), [
      { kind: ConfChangeKind.ADD_VOTER, node: n(4) },
      { kind: ConfChangeKind.ADD_VOTER, node: n(5) },
      { kind: ConfChangeKind.REMOVE_NODE, node: n(2) },
      { kind: ConfChangeKind.REMOVE_NODE, node: n(3) },
    ]);
    await cluster.run(200);
    expect(commitOf(cluster, n(1))).toBe(commitBefore);
    expect(cluster.node(n(1)).conf().votersOutgoing).toEqual([]);
    expect(cluster.node(n(4)).conf().voters).toEqual([n(1), n(2), n(3)]);

    cluster.network.links.healAll();
    cluster.ticking = true;
    await awaitVoters(cluster, n(1), [n(1), n(4), n(5)], 500);
    // The removed nodes may never hear that C-new committed; their host shuts them down.
    cluster.retire(n(2));
    cluster.retire(n(3));
    const leader = cluster.leader();
    expect(leader).toBeDefined();
    proposePut(cluster, leader?.id ?? n(1), 'after', 'joint');
    await settle(cluster, [n(1), n(4), n(5)], commitOf(cluster, leader?.id ?? n(1)) + 1, 300);
  });

  it('removes the leader: it steps down once C-new commits and the rest carry on', async () => {
    const cluster = await scriptedCluster(3, { preVote: true, checkQuorum: true });
    cluster.ticking = true;
    await elect(cluster, n(1));
    changeMembership(cluster, n(1), [{ kind: ConfChangeKind.REMOVE_NODE, node: n(1) }]);
    await awaitVoters(cluster, n(2), [n(2), n(3)]);
    if (!(await cluster.runUntil(() => cluster.node(n(1)).appliedOwnRemoval, 100))) throw new Error('n1 never applied its removal');
    expect(isLeader(cluster, n(1))).toBe(false);
    retireRemoved(cluster);
    if (!(await cluster.runUntil(() => cluster.leader() !== undefined, 300))) throw new Error('no leader after removing the old one');
    const leader = cluster.leader()?.id ?? n(2);
    expect([n(2), n(3)]).toContain(leader);
    proposePut(cluster, leader, 'k', 'v');
    if (!(await cluster.runUntil(() => [n(2), n(3)].every((id) => cluster.node(id).kvState().get('k') === 'v'), 300))) {
      throw new Error('a proposal after the removal did not commit');
    }
  });

  it('a removed node left behind a partition cannot disrupt the group when it returns', async () => {
    const cluster = await scriptedCluster(4, { preVote: true, checkQuorum: true }, 7);
    cluster.ticking = true;
    await elect(cluster, n(1));
    cluster.network.links.isolate(n(4), [n(1), n(2), n(3)]);
    changeMembership(cluster, n(1), [{ kind: ConfChangeKind.REMOVE_NODE, node: n(4) }]);
    await awaitVoters(cluster, n(1), [n(1), n(2), n(3)]);
    // n4 never hears of its removal; alone, it campaigns in vain for a while.
    await cluster.run(200);
    expect(cluster.node(n(4)).appliedOwnRemoval).toBe(false);
    const term = cluster.node(n(1)).status().hardState.term;

    cluster.network.links.healAll();
    await cluster.run(300);
    expect(isLeader(cluster, n(1))).toBe(true);
    expect(cluster.node(n(1)).status().hardState.term).toBe(term);
    proposePut(cluster, n(1), 'still', 'leading');
    await settle(cluster, [n(1), n(2), n(3)], commitOf(cluster, n(1)) + 1);
  });
});

describe('a learner whose term ran ahead (regression: seed 1623)', () => {
  it('rejoins the leader without PreVote and CheckQuorum, although it cannot campaign', async () => {
    const cluster = await scriptedCluster(3);
    cluster.ticking = true;
    await elect(cluster, n(1));
    const learner = (await cluster.addNode()).id;
    changeMembership(cluster, n(1), [{ kind: ConfChangeKind.ADD_LEARNER, node: learner }]);
    await settle(cluster, [learner], commitOf(cluster, n(1)) + 2, 300);
    // A removed node that never learned of its removal asks the learner for a vote in a far term.
    const term = cluster.node(n(1)).status().hardState.term;
    cluster.node(learner).step({ type: MessageType.VOTE, group: SIM_GROUP, from: n(99), to: learner, term: term + 5, index: 0, logTerm: 0 });
    proposePut(cluster, cluster.leader()?.id ?? n(1), 'k', 'after');
    if (!(await cluster.runUntil(() => cluster.node(learner).kvState().get('k') === 'after', 500))) {
      throw new Error('the learner never caught up after its term ran ahead of the leader');
    }
  });
});
