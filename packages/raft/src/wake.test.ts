import { describe, expect, it } from 'vitest';
import { TestCluster } from './testing/test-cluster.js';
import { MessageType, Role } from './types.js';

describe('RawNode.wake (quiescence)', () => {
  const quietLeader = (): TestCluster => {
    const cluster = new TestCluster([1, 2, 3], { seed: 3 });
    cluster.elect(1);
    cluster.drop(() => true);
    // One CheckQuorum passes on the election's activity and clears it; then 9 silent ticks.
    cluster.tick(19, [1]);
    expect(cluster.node(1).status().softState.role).toBe(Role.LEADER);
    return cluster;
  };

  it('without it, a leader whose followers were silent steps down on the next CheckQuorum', () => {
    const cluster = quietLeader();
    cluster.tick(1, [1]);
    expect(cluster.node(1).status().softState.role).toBe(Role.FOLLOWER);
  });

  it('restarts the leader election clock and heartbeats at once', () => {
    const cluster = quietLeader();
    const node = cluster.node(1);
    node.wake();
    const ready = node.ready();
    const beats = ready.messagesBeforeSync.filter((m) => m.type === MessageType.HEARTBEAT).map((m) => m.to);
    expect(beats.sort()).toEqual([2, 3]);
    node.advance(ready);
    cluster.tick(9, [1]);
    expect(node.status().softState.role).toBe(Role.LEADER);
  });

  it('leaves a follower as it was', () => {
    const cluster = new TestCluster([1, 2, 3], { seed: 3 });
    cluster.elect(1);
    const before = cluster.node(2).status();
    cluster.node(2).wake();
    expect(cluster.node(2).hasReady()).toBe(false);
    expect(cluster.node(2).status()).toEqual(before);
  });
});
