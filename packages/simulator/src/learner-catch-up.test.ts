import { ConfChangeKind, groupId } from '@flotilla/raft';
import { RELIABLE_NETWORK, Xoshiro128 } from '@flotilla/testkit';
import { describe, expect, it } from 'vitest';
import { HostCluster } from './host-cluster.js';

const GROUP = groupId(1);

// Membership through the host: a node added to the running cluster hosts its groups empty,
// and a group that adds it sends it a snapshot (the log was compacted) before it catches up.
describe('a node added to an idle group as a learner', () => {
  it('receives the group by snapshot and catches up', async () => {
    const cluster = await HostCluster.create({
      random: new Xoshiro128(11),
      nodes: 3,
      groups: 1,
      network: RELIABLE_NETWORK,
      syncDelayStepsMax: 0,
      node: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, snapshotThresholdEntries: 4 },
    });
    const quiesced = (): boolean => cluster.servingNodes().length === 3 && cluster.servingNodes().every((node) => node.replica(GROUP)?.quiesced === true);
    expect(await cluster.runUntil(() => cluster.leaderOf(GROUP) !== undefined && quiesced(), 500)).toBe(true);
    const leader = cluster.leaderOf(GROUP);
    const service = leader?.node?.service;
    if (leader === undefined || service === undefined) throw new Error('no leader');
    // Enough writes that the log is compacted: the learner must get a snapshot.
    for (let i = 0; i < 10; i++) {
      let written = false;
      void service.execute({ op: 'put', key: new TextEncoder().encode(`k${i}`), value: new Uint8Array(1) }).then(() => (written = true));
      expect(await cluster.runUntil(() => written, 50)).toBe(true);
    }

    const learner = cluster.addNode();
    expect(await cluster.runUntil(() => learner.node !== undefined, 10)).toBe(true);
    let proposed = false;
    void leader.node?.host.proposeConfChange(GROUP, { changes: [{ kind: ConfChangeKind.ADD_LEARNER, node: learner.id }] }).then((ok) => (proposed = ok));
    expect(await cluster.runUntil(() => proposed, 5)).toBe(true);
    const caughtUp = (): boolean => {
      const commit = leader.replica(GROUP)?.raft.basicStatus().commit;
      return commit !== undefined && learner.replica(GROUP)?.writtenIndex === commit;
    };
    expect(await cluster.runUntil(caughtUp, 600)).toBe(true);
    expect(cluster.checkers.counts.snapshotsInstalled).toBeGreaterThan(0);
  });
});
