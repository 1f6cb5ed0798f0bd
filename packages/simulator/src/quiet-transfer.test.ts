import { groupId, MessageType, NO_NODE } from '@flotilla/raft';
import { RELIABLE_NETWORK, Xoshiro128 } from '@flotilla/testkit';
import { describe, expect, it } from 'vitest';
import { HostCluster } from './host-cluster.js';

const GROUP = groupId(1);

// Found by seed 3 of the host simulation: a transfer asked of a quiesced leader whose
// TimeoutNow was lost stayed pending forever (only ticks abort it), refusing every write.
describe('a leadership transfer asked of a quiesced leader', () => {
  it('is aborted by the leader ticking again when its TimeoutNow is lost', async () => {
    const cluster = await HostCluster.create({
      random: new Xoshiro128(5),
      nodes: 3,
      groups: 1,
      network: RELIABLE_NETWORK,
      syncDelayStepsMax: 0,
      node: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, snapshotThresholdEntries: 1000 },
    });
    const quiesced = (): boolean => cluster.servingNodes().length === 3 && cluster.servingNodes().every((node) => node.replica(GROUP)?.quiesced === true);
    expect(await cluster.runUntil(() => cluster.leaderOf(GROUP) !== undefined && quiesced(), 500)).toBe(true);
    const leader = cluster.leaderOf(GROUP);
    const replica = leader?.replica(GROUP);
    if (leader === undefined || replica === undefined) throw new Error('no leader');
    const target = replica.raft.confState().voters.find((id) => id !== leader.id) ?? NO_NODE;

    cluster.network.intercept = (message) => (message.type === MessageType.TIMEOUT_NOW ? undefined : message);
    leader.node?.host.atNextTurn(GROUP, (r) => r.raft.transferLeader(target));
    await cluster.run(2);
    expect(replica.raft.basicStatus().leadTransferee).toBe(target);

    const aborted = await cluster.runUntil(() => replica.raft.basicStatus().leadTransferee === NO_NODE, 100);
    expect(aborted).toBe(true);
    expect(cluster.leaderOf(GROUP)?.id).toBe(leader.id);
  });
});
