import { ConfChangeKind } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { quietCluster, QUIET_GROUP as GROUP } from './quiet-cluster.js';

// Membership through the host: a node added to the running cluster hosts its groups empty,
// and a group that adds it sends it a snapshot (the log was compacted) before it catches up.
describe('a node added to an idle group as a learner', () => {
  it('receives the group by snapshot and catches up', async () => {
    const { cluster, leader } = await quietCluster(11, 4);
    const service = leader.node?.service;
    if (service === undefined) throw new Error('the leader does not serve');
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
