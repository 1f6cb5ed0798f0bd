import { describe, expect, it } from 'vitest';
import { TEST_GROUP, TestCluster, bytes } from './test-cluster.js';
import type { Message } from './types.js';
import { MessageType, nodeId } from './types.js';

const sentTo = (messages: readonly Message[], type: MessageType, to: number): Message | undefined =>
  messages.find((m) => m.type === type && m.to === to);

describe('the leader commit index on heartbeats', () => {
  it('tells a lagging follower the leader commit index, uncapped, while its commit stays capped', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.isolate(3);
    for (const command of ['a', 'b', 'c']) cluster.propose(1, command);
    const leader = cluster.node(1);
    const leaderCommit = leader.status().hardState.commit;
    const laggingCommit = cluster.node(3).status().hardState.commit;
    expect(laggingCommit).toBeLessThan(leaderCommit);

    leader.tick();
    leader.tick();
    const beatReady = leader.ready();
    const upToDate = sentTo(beatReady.messagesBeforeSync, MessageType.HEARTBEAT, 2);
    const lagging = sentTo(beatReady.messagesBeforeSync, MessageType.HEARTBEAT, 3);
    expect(upToDate).toMatchObject({ commit: leaderCommit, leaderCommit });
    expect(lagging).toMatchObject({ commit: laggingCommit, leaderCommit });
    leader.advance(beatReady);

    // The follower adopts the capped commit only; leaderCommit is past its log.
    cluster.node(3).step(lagging as Message);
    expect(cluster.node(3).status().hardState.commit).toBe(laggingCommit);

    // An append already carries the leader's own commit index, so it has no leaderCommit.
    leader.propose(bytes('d'));
    const appendReady = leader.ready();
    const append = sentTo(appendReady.messagesBeforeSync, MessageType.APP, 3);
    expect(append?.commit).toBe(leaderCommit);
    expect(append).not.toHaveProperty('leaderCommit');
    leader.advance(appendReady);
  });

  it('never commits a follower by leaderCommit, even up to entries it holds', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    // Node 3 gets the entries but none of the messages that would commit them.
    cluster.drop((m) => m.to === 3 && !(m.type === MessageType.APP && (m.entries?.length ?? 0) > 0));
    cluster.propose(1, 'a');
    const follower = cluster.node(3).status();
    expect(follower.hardState.commit).toBeLessThan(follower.lastIndex);

    const heartbeat = (commit: number): Message => ({
      type: MessageType.HEARTBEAT,
      group: TEST_GROUP,
      from: nodeId(1),
      to: nodeId(3),
      term: follower.hardState.term,
      commit,
      leaderCommit: follower.lastIndex,
    });
    cluster.node(3).step(heartbeat(follower.hardState.commit));
    expect(cluster.node(3).status().hardState.commit).toBe(follower.hardState.commit);
    cluster.node(3).step(heartbeat(follower.lastIndex));
    expect(cluster.node(3).status().hardState.commit).toBe(follower.lastIndex);
  });
});
