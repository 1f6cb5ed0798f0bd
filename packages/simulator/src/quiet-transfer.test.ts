import { MessageType, NO_NODE } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { quietCluster, QUIET_GROUP as GROUP } from './quiet-cluster.js';

// Found by seed 3 of the host simulation: a transfer asked of a quiesced leader whose
// TimeoutNow was lost stayed pending forever (only ticks abort it), refusing every write.
describe('a leadership transfer asked of a quiesced leader', () => {
  it('is aborted by the leader ticking again when its TimeoutNow is lost', async () => {
    const { cluster, leader } = await quietCluster(5);
    const replica = leader.replica(GROUP);
    if (replica === undefined) throw new Error('no leader replica');
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
