import { describe, expect, it } from 'vitest';
import { TEST_GROUP, TestCluster, bytes, text } from './testing/test-cluster.js';
import type { Message } from './types.js';
import { EntryType, MessageType, nodeId } from './types.js';

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

  /** Node 3 holds the leader's entries 'a' and 'b' but has heard no commit index covering 'b'. */
  const behindOnCommit = () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.drop((m) => m.to === 3 && !(m.type === MessageType.APP && (m.entries?.length ?? 0) > 0));
    cluster.propose(1, 'a');
    cluster.propose(1, 'b');
    const { hardState, lastIndex } = cluster.node(3).status();
    expect(hardState.commit).toBeLessThan(lastIndex);
    const from = (raw: number) => ({ group: TEST_GROUP, from: nodeId(raw), to: nodeId(3), term: hardState.term });
    return { node: cluster.node(3), lastIndex, commit: hardState.commit, from };
  };

  it("commits a follower through a read-index answer up to the entries this term's leader sent it", () => {
    const { node, lastIndex, commit, from } = behindOnCommit();
    const answer = { type: MessageType.READ_INDEX_RESP, index: lastIndex, context: bytes('read') };
    // Only the leader's answer counts.
    node.step({ ...from(2), ...answer });
    expect(node.status().hardState.commit).toBe(commit);
    node.step({ ...from(1), ...answer });
    expect(node.status().hardState.commit).toBe(lastIndex);
  });

  it("commits a follower by a heartbeat's leaderCommit up to the entries this term's leader sent it", () => {
    const { node, lastIndex, from } = behindOnCommit();
    node.step({ ...from(1), type: MessageType.HEARTBEAT, commit: 0, leaderCommit: lastIndex });
    expect(node.status().hardState.commit).toBe(lastIndex);
  });

  it("never commits by leaderCommit an entry a new term's leader has not shown it shares", () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.propose(1, 'a');
    cluster.heartbeat(1);
    const { hardState, lastIndex } = cluster.node(3).status();
    expect(hardState.commit).toBe(lastIndex);
    const node3 = cluster.node(3);
    const entry = (term: number, command: string) => ({ index: lastIndex + 1, term, type: EntryType.COMMAND, data: bytes(command) });
    // Leader 1 gives node 3 an entry nobody else holds, and never commits it.
    node3.step({
      type: MessageType.APP, group: TEST_GROUP, from: nodeId(1), to: nodeId(3), term: hardState.term,
      index: lastIndex, logTerm: hardState.term, entries: [entry(hardState.term, 'lost')], commit: hardState.commit,
    });
    expect(node3.status().lastIndex).toBe(lastIndex + 1);

    // Node 2 leads the next term and committed another entry at that index.
    const fromNewLeader = { group: TEST_GROUP, from: nodeId(2), to: nodeId(3), term: hardState.term + 1 };
    node3.step({ ...fromNewLeader, type: MessageType.HEARTBEAT, commit: lastIndex, leaderCommit: lastIndex + 1 });
    expect(node3.status().hardState.commit).toBe(lastIndex);
    node3.step({
      ...fromNewLeader, type: MessageType.APP, index: lastIndex, logTerm: hardState.term,
      entries: [entry(hardState.term + 1, 'kept')], commit: lastIndex + 1,
    });
    expect(node3.status().hardState.commit).toBe(lastIndex + 1);
    const ready = node3.ready();
    expect(ready.committedEntries.map((e) => text(e.data))).toEqual(['kept']);
    node3.advance(ready);
  });
});
