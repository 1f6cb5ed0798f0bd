import { describe, expect, it } from 'vitest';
import { MemoryLogStorage } from './memory-storage.js';
import { TEST_GROUP, TestCluster, conf } from './testing/test-cluster.js';
import type { Entry } from './types.js';
import { EntryType, MessageType, Role, nodeId } from './types.js';

const role = (cluster: TestCluster, id: number): Role => cluster.node(id).status().softState.role;
const term = (cluster: TestCluster, id: number): number => cluster.node(id).status().hardState.term;

describe('elections', () => {
  it('a partitioned node running pre-votes never bumps its term nor disrupts the leader', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    const leaderTerm = term(cluster, 1);
    cluster.isolate(3);
    cluster.tick(50);
    expect(term(cluster, 3)).toBe(leaderTerm);
    expect(role(cluster, 3)).toBe(Role.PRE_CANDIDATE);
    cluster.heal();
    cluster.tick(5);
    expect(role(cluster, 1)).toBe(Role.LEADER);
    expect(term(cluster, 1)).toBe(leaderTerm);
    expect(cluster.node(3).status().softState.leader).toBe(1);
  });

  it('check-quorum: an isolated leader steps down within two election timeouts', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.isolate(1);
    cluster.tick(20, [1]);
    expect(role(cluster, 1)).toBe(Role.FOLLOWER);
  });

  it('leader lease: followers that hear from the leader ignore a disruptive vote request', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { preVote: false } });
    cluster.elect(1);
    const leaderTerm = term(cluster, 1);
    cluster.node(3).campaign();
    cluster.stabilize();
    expect(role(cluster, 1)).toBe(Role.LEADER);
    expect(term(cluster, 2)).toBe(leaderTerm);
    // 3 is stuck at a higher term until a heartbeat answer tells the leader about it.
    expect(term(cluster, 3)).toBe(leaderTerm + 1);
  });

  it('a node with a higher term partitioned back in makes the stale leader step down and the group recovers', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { preVote: false } });
    cluster.elect(1);
    cluster.isolate(3);
    cluster.tick(60, [3]);
    expect(term(cluster, 3)).toBeGreaterThan(term(cluster, 1) + 1);
    cluster.heal();
    cluster.tick(60);
    const leader = cluster.leader();
    expect(leader).toBeDefined();
    for (const id of [1, 2, 3]) expect(term(cluster, id)).toBe(term(cluster, leader as number));
    cluster.propose(leader as number, 'after');
    cluster.heartbeat(leader as number);
    for (const id of [1, 2, 3]) expect(cluster.get(id).applied).toEqual(['after']);
  });

  it('a lower-term pre-vote is refused with our term so the pre-candidate catches up', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.elect(2);
    const stale = { type: MessageType.PRE_VOTE, group: TEST_GROUP, from: nodeId(3), to: nodeId(1), term: 1, index: 0, logTerm: 0 };
    cluster.node(1).step(stale);
    const ready = cluster.node(1).ready();
    expect(ready.messages).toContainEqual(expect.objectContaining({ type: MessageType.PRE_VOTE_RESP, reject: true, term: term(cluster, 1) }));
    cluster.node(1).advance(ready);
  });

  it('refuses to elect a candidate whose log is behind', () => {
    const entries: Entry[] = [1, 1].map((t, i) => ({ index: i + 2, term: t, type: EntryType.NO_OP, data: new Uint8Array() }));
    const cluster = new TestCluster([]);
    for (const id of [1, 2, 3]) {
      const storage = new MemoryLogStorage(conf([1, 2, 3]));
      storage.append(id === 3 ? entries.slice(0, 1) : entries);
      storage.setHardState({ term: 1, vote: nodeId(0), commit: 2 });
      cluster.addReplica(id, storage);
    }
    cluster.elect(3);
    expect(role(cluster, 3)).toBe(Role.FOLLOWER);
    expect(term(cluster, 3)).toBe(1);
    cluster.elect(2);
    expect(role(cluster, 2)).toBe(Role.LEADER);
  });

  it('a single voter elects itself at once', () => {
    const cluster = new TestCluster([1]);
    cluster.elect(1);
    expect(role(cluster, 1)).toBe(Role.LEADER);
    cluster.propose(1, 'solo');
    expect(cluster.get(1).applied).toEqual(['solo']);
  });

  it('a candidate whose log is behind loses and steps back to follower', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { preVote: false, checkQuorum: false } });
    cluster.elect(1);
    cluster.isolate(2);
    cluster.propose(1, 'a');
    cluster.heal();
    const before = term(cluster, 2);
    cluster.node(2).campaign();
    cluster.stabilize();
    expect(role(cluster, 2)).toBe(Role.FOLLOWER);
    expect(term(cluster, 2)).toBe(before + 1);
    expect(cluster.delivered.filter((m) => m.type === MessageType.VOTE_RESP && m.reject === true)).toHaveLength(2);
  });

  it('resumes as a follower at the stored term and vote after a restart, without re-applying', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.propose(1, 'a');
    cluster.propose(1, 'b');
    const before = cluster.node(2).status();
    const restarted = cluster.restart(2, before.applied);
    const after = restarted.node.status();
    expect(after.hardState).toEqual(before.hardState);
    expect(after.softState.role).toBe(Role.FOLLOWER);
    expect(restarted.node.hasReady()).toBe(false);
    cluster.propose(1, 'c');
    cluster.heartbeat(1);
    expect(cluster.get(2).applied).toEqual(['a', 'b', 'c']);
  });
});
