import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from './errors.js';
import { MemoryLogStorage } from './memory-storage.js';
import { ProgressState } from './progress.js';
import { RawNode } from './raw-node.js';
import type { BasicStatus } from './status.js';
import { TEST_GROUP, TestCluster, bytes, conf, text } from './testing/test-cluster.js';
import { Xoshiro128 } from './xoshiro128.js';
import { ConfChangeKind, EntryType, MessageType, NO_NODE, Role, groupId, nodeId } from './types.js';
import type { Message } from './types.js';

describe('RawNode end to end', () => {
  it('elects a leader and commits proposals on a 3-node group', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    expect(cluster.node(1).status().softState.role).toBe(Role.LEADER);
    cluster.propose(1, 'a');
    cluster.propose(2, 'b');
    cluster.heartbeat(1);
    for (const id of [1, 2, 3]) expect(cluster.get(id).applied).toEqual(['a', 'b']);
  });

  it('elects a leader by ticking alone', () => {
    const cluster = new TestCluster([1, 2, 3], { seed: 5 });
    cluster.tick(40);
    const leader = cluster.leader();
    expect(leader).toBeDefined();
    cluster.propose(leader as number, 'x');
    cluster.heartbeat(leader as number);
    for (const id of [1, 2, 3]) expect(cluster.get(id).applied).toEqual(['x']);
  });
});

describe('Ready contract', () => {
  it('holds back messages that depend on an unpersisted term or vote', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { preVote: false } });
    const node = cluster.node(1);
    node.campaign();
    const ready = node.ready();
    expect(ready.hardState).toMatchObject({ term: 2, vote: 1 });
    expect(ready.messagesBeforeSync).toEqual([]);
    expect(ready.messages.map((m) => m.type)).toEqual([MessageType.VOTE, MessageType.VOTE]);
    node.advance(ready);
  });

  it('holds back a granted vote until the vote is durable, even in a term already durable', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { preVote: false } });
    const voter = cluster.node(2);
    // Term 2 reaches node 2 without a vote (an answer from node 3) and is made durable.
    voter.step({ type: MessageType.APP_RESP, group: TEST_GROUP, from: nodeId(3), to: nodeId(2), term: 2, index: 0 });
    const termOnly = voter.ready();
    expect(termOnly.hardState).toMatchObject({ term: 2, vote: NO_NODE });
    voter.advance(termOnly);
    voter.step({ type: MessageType.VOTE, group: TEST_GROUP, from: nodeId(1), to: nodeId(2), term: 2, index: 1, logTerm: 1 });
    const granted = voter.ready();
    expect(granted.hardState).toMatchObject({ term: 2, vote: 1 });
    expect(granted.messagesBeforeSync).toEqual([]);
    expect(granted.messages).toMatchObject([{ type: MessageType.VOTE_RESP, to: 1, term: 2 }]);
    expect(granted.messages[0]?.reject).toBeUndefined();
    voter.advance(granted);
  });

  it('lets a leader with a durable term send appends before its own write', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    const node = cluster.node(1);
    node.propose(bytes('x'));
    const ready = node.ready();
    expect(ready.entries.map((e) => text(e.data))).toEqual(['x']);
    expect(ready.messagesBeforeSync.map((m) => m.type)).toEqual([MessageType.APP, MessageType.APP]);
    expect(ready.messages).toEqual([]);
    // The leader does not count its own unpersisted entry.
    expect(node.status().progress?.find((p) => p.id === 1)?.match).toBeLessThan(ready.entries[0]?.index ?? 0);
    node.advance(ready);
  });

  it('asks for a sync for a new term or vote and for new entries, not for a commit index alone', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { preVote: false } });
    const candidate = cluster.node(1);
    candidate.campaign();
    const voteReady = candidate.ready();
    expect(voteReady.entries).toEqual([]);
    expect(voteReady.mustSync).toBe(true);
    candidate.advance(voteReady);
    for (const message of voteReady.messages) cluster.deliver(message);
    cluster.stabilize();

    const leader = cluster.node(1);
    leader.propose(bytes('x'));
    const appendReady = leader.ready();
    expect(appendReady.hardState).toBeUndefined();
    expect(appendReady.mustSync).toBe(true);
    cluster.get(1).storage.append(appendReady.entries);
    leader.advance(appendReady);
    cluster.deliver(appendReady.messagesBeforeSync.find((m) => m.to === 2) as Message);
    const followerAppend = cluster.node(2).ready();
    expect(followerAppend.entries.map((e) => text(e.data))).toEqual(['x']);
    expect(followerAppend.mustSync).toBe(true);
    cluster.get(2).storage.append(followerAppend.entries);
    cluster.node(2).advance(followerAppend);
    for (const message of followerAppend.messages) cluster.deliver(message);
    cluster.stabilize();

    // The leader tells its commit index in a heartbeat: the follower commits without a sync.
    let beat: Message | undefined;
    while (beat === undefined) {
      leader.tick();
      if (!leader.hasReady()) continue;
      const ready = leader.ready();
      beat = [...ready.messagesBeforeSync, ...ready.messages].find((m) => m.type === MessageType.HEARTBEAT && m.to === 2);
      leader.advance(ready);
    }
    cluster.deliver(beat);
    const commitReady = cluster.node(2).ready();
    expect(commitReady.hardState?.commit).toBe(followerAppend.entries[0]?.index);
    expect(commitReady.committedEntries.map((e) => text(e.data))).toEqual(['x']);
    expect(commitReady.mustSync).toBe(false);
  });

  it('asks for a sync when a configuration change commits, even with nothing else to write', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    const leader = cluster.node(1);
    leader.proposeConfChange({ changes: [{ kind: ConfChangeKind.ADD_LEARNER, node: nodeId(4) }] });
    const appendReady = leader.ready();
    cluster.get(1).storage.append(appendReady.entries);
    leader.advance(appendReady);
    for (const message of appendReady.messagesBeforeSync) cluster.deliver(message);
    for (const id of [2, 3]) {
      const ready = cluster.node(id).ready();
      cluster.get(id).storage.append(ready.entries);
      cluster.node(id).advance(ready);
      for (const message of ready.messages) cluster.deliver(message);
    }
    const commitReady = leader.ready();
    expect(commitReady.entries).toEqual([]);
    expect(commitReady.committedEntries.map((entry) => entry.type)).toEqual([EntryType.CONFIGURATION]);
    expect(commitReady.mustSync).toBe(true);
    leader.advance(commitReady);
  });

  it('sends many proposed commands to each follower as one append, and commits them all', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    const before = cluster.delivered.length;
    cluster.node(1).proposeAll(['x', 'y', 'z'].map(bytes));
    cluster.stabilize();
    const appends = cluster.delivered.slice(before).filter((m) => m.type === MessageType.APP && (m.entries?.length ?? 0) > 0);
    expect(appends.map((m) => [m.to, m.entries?.map((e) => text(e.data))])).toEqual([
      [2, ['x', 'y', 'z']],
      [3, ['x', 'y', 'z']],
    ]);
    cluster.heartbeat(1);
    for (const id of [1, 2, 3]) expect(cluster.get(id).applied).toEqual(['x', 'y', 'z']);
  });

  it('refuses all of a batch of proposals or none', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { maxUncommittedEntriesBytes: 10 } });
    cluster.elect(1);
    cluster.isolate(1);
    const node = cluster.node(1);
    // The first uncommitted proposal is always taken; the batch after it would pass the limit.
    cluster.propose(1, 'first');
    const lastIndex = node.basicStatus().lastIndex;
    expect(() => node.proposeAll(['123', '456'].map(bytes))).toThrow(/uncommitted/);
    expect(node.basicStatus().lastIndex).toBe(lastIndex);
  });

  it('requires advance between readies, with the outstanding Ready', () => {
    const cluster = new TestCluster([1, 2, 3]);
    const node = cluster.node(1);
    node.campaign();
    const ready = node.ready();
    expect(node.hasReady()).toBe(false);
    expect(() => node.ready()).toThrow(InvalidRequestError);
    expect(() => node.advance({ ...ready })).toThrow(InvalidRequestError);
    node.advance(ready);
  });

  it('refuses local message types, foreign groups and misaddressed messages', () => {
    const cluster = new TestCluster([1, 2, 3]);
    const base = { group: TEST_GROUP, from: nodeId(2), to: nodeId(1), term: 1 };
    expect(() => cluster.node(1).step({ ...base, type: MessageType.HUP })).toThrow(InvalidRequestError);
    expect(() => cluster.node(1).step({ ...base, type: MessageType.APP, to: nodeId(3) })).toThrow(InvalidRequestError);
    expect(() => cluster.node(1).step({ ...base, type: MessageType.APP, group: groupId(99) })).toThrow(InvalidRequestError);
  });

  it('validates its configuration', () => {
    const make = (extra: object) => () =>
      new RawNode({ id: nodeId(1), group: TEST_GROUP, storage: new MemoryLogStorage(conf([1])), random: new Xoshiro128(1), ...extra });
    expect(make({ electionTimeoutTicks: 0 })).toThrow(InvalidRequestError);
    expect(make({ heartbeatIntervalTicks: 10 })).toThrow(InvalidRequestError);
    expect(make({ applied: -1 })).toThrow(InvalidRequestError);
    expect(make({ id: nodeId(0) })).toThrow(InvalidRequestError);
    expect(make({})).not.toThrow();
  });

  it('reports leader progress in status', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    const status = cluster.node(1).status();
    expect(status.progress?.map((p) => [p.id, p.match, p.state])).toEqual([
      [1, status.lastIndex, ProgressState.REPLICATE],
      [2, status.lastIndex, ProgressState.REPLICATE],
      [3, status.lastIndex, ProgressState.REPLICATE],
    ]);
    expect(cluster.node(2).status().progress).toBeUndefined();
  });

  it('reports in basicStatus what status reports, on a leader and a follower', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.propose(1, 'a');
    // Leave an entry unpersisted and a transfer pending, so that the numbers differ.
    cluster.isolate(3);
    cluster.node(1).propose(bytes('b'));
    cluster.node(1).transferLeader(nodeId(3));
    const fromStatus = (node: RawNode): BasicStatus => {
      const status = node.status();
      return {
        term: status.hardState.term,
        role: status.softState.role,
        leader: status.softState.leader,
        commit: status.hardState.commit,
        applied: status.applied,
        lastIndex: status.lastIndex,
        leadTransferee: status.leadTransferee ?? NO_NODE,
      };
    };
    const leader = cluster.node(1).basicStatus();
    expect(leader).toEqual(fromStatus(cluster.node(1)));
    expect(leader).toMatchObject({ role: Role.LEADER, leader: 1, leadTransferee: 3, lastIndex: leader.commit + 1 });
    const follower = cluster.node(2).basicStatus();
    expect(follower).toEqual(fromStatus(cluster.node(2)));
    expect(follower).toMatchObject({ role: Role.FOLLOWER, leader: 1, term: leader.term, leadTransferee: NO_NODE });
  });
});
