import { describe, expect, it } from 'vitest';
import { ConfChangeError } from './errors.js';
import { BOOTSTRAP_INDEX, MemoryLogStorage } from './memory-storage.js';
import { TestCluster, conf } from './testing/test-cluster.js';
import type { ConfChange, ConfChangeSingle } from './types.js';
import { ConfChangeKind, MessageType, Role, nodeId } from './types.js';

const add = (id: number): ConfChangeSingle => ({ kind: ConfChangeKind.ADD_VOTER, node: nodeId(id) });
const learner = (id: number): ConfChangeSingle => ({ kind: ConfChangeKind.ADD_LEARNER, node: nodeId(id) });
const remove = (id: number): ConfChangeSingle => ({ kind: ConfChangeKind.REMOVE_NODE, node: nodeId(id) });
const change = (...changes: ConfChangeSingle[]): ConfChange => ({ changes });

const confError = (run: () => void): string => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    if (error instanceof ConfChangeError) return error.code;
    throw error;
  }
};

/** Adds empty replicas that know nothing about the group yet. */
const addEmpty = (cluster: TestCluster, ...ids: number[]): void => {
  for (const id of ids) cluster.addReplica(id, new MemoryLogStorage());
};

describe('membership changes', () => {
  it('adds a voter through the joint configuration and leaves it automatically', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.propose(1, 'before');
    addEmpty(cluster, 4);
    cluster.node(1).proposeConfChange(change(add(4)));
    cluster.stabilize();
    cluster.heartbeat(1);
    for (const id of [1, 2, 3, 4]) {
      expect(cluster.node(id).confState()).toEqual(conf([1, 2, 3, 4]));
      expect(cluster.get(id).applied).toEqual(['before']);
    }
    const kinds = cluster.get(2).appliedEntries.filter((e) => e.change !== undefined).map((e) => e.change?.leaveJoint === true);
    expect(kinds).toEqual([false, true]);
  });

  it('needs both majorities while joint', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    addEmpty(cluster, 4, 5);
    cluster.drop((m) => [4, 5].includes(m.to) || [4, 5].includes(m.from));
    cluster.node(1).proposeConfChange(change(remove(2), remove(3), add(4), add(5)));
    cluster.stabilize();
    // The joint entry committed under C-old and is applied; nothing after it can commit without C-new.
    expect(cluster.node(1).confState().votersOutgoing).toEqual([1, 2, 3]);
    const commit = cluster.node(1).status().hardState.commit;
    cluster.propose(1, 'stuck');
    cluster.tick(3);
    expect(cluster.node(1).status().hardState.commit).toBe(commit);
    expect(confError(() => cluster.node(1).proposeConfChange(change(add(6))))).toBe('conf-change-pending');
    cluster.heal();
    cluster.tick(5);
    expect(cluster.leader()).toBe(1);
    expect(cluster.node(1).confState()).toEqual(conf([1, 4, 5]));
    expect(cluster.get(4).applied).toEqual(['stuck']);
  });

  it('refuses a second change while one is pending', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.node(1).proposeConfChange(change(learner(4)));
    expect(confError(() => cluster.node(1).proposeConfChange(change(learner(5))))).toBe('conf-change-pending');
    expect(confError(() => cluster.node(1).proposeConfChange({ changes: [], leaveJoint: true }))).toBe('conf-change-pending');
    cluster.stabilize();
    expect(confError(() => cluster.node(1).proposeConfChange(change(add(1))))).toBe('invalid-conf-change');
    expect(confError(() => cluster.node(1).proposeConfChange(change(learner(5))))).toBe('accepted');
  });

  it('replicates to learners but never counts or elects them', () => {
    const cluster = new TestCluster([1, 2, 3], { initial: conf([1, 2], [3]) });
    cluster.elect(1);
    cluster.propose(1, 'a');
    cluster.heartbeat(1);
    expect(cluster.get(3).applied).toEqual(['a']);
    cluster.isolate(2);
    const commit = cluster.node(1).status().hardState.commit;
    cluster.propose(1, 'b');
    expect(cluster.node(1).status().hardState.commit).toBe(commit);
    expect(cluster.node(1).status().progress?.find((p) => p.id === 3)?.isLearner).toBe(true);
    // A learner never campaigns, however long it waits.
    cluster.heal();
    cluster.isolate(1);
    cluster.tick(50, [3]);
    expect(cluster.node(3).status().softState.role).toBe(Role.FOLLOWER);
    cluster.node(3).campaign();
    expect(cluster.node(3).status().softState.role).toBe(Role.FOLLOWER);
  });

  it('promotes a learner to voter', () => {
    const cluster = new TestCluster([1, 2, 3], { initial: conf([1, 2], [3]) });
    cluster.elect(1);
    cluster.node(1).proposeConfChange(change(add(3)));
    cluster.stabilize();
    cluster.heartbeat(1);
    expect(cluster.node(3).confState()).toEqual(conf([1, 2, 3]));
    cluster.isolate(1);
    cluster.tick(40, [2, 3]);
    // Without 1, the group needs 3's vote: the promoted learner counts now.
    expect([2, 3].map((id) => cluster.node(id).status().softState.role)).toContain(Role.LEADER);
  });

  it('a leader outside C-new steps down once C-new is applied and hands over', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.node(1).proposeConfChange(change(remove(1)));
    cluster.stabilize();
    expect(cluster.node(1).status().softState.role).toBe(Role.FOLLOWER);
    const leader = cluster.leader();
    expect([2, 3]).toContain(leader);
    expect(cluster.delivered.some((m) => m.type === MessageType.TIMEOUT_NOW && m.from === 1)).toBe(true);
    cluster.propose(leader as number, 'without-1');
    expect(cluster.get(2).applied).toEqual(['without-1']);
    expect(cluster.get(1).applied).toEqual([]);
  });

  it('demotes a voter to learner after the joint configuration', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.node(1).proposeConfChange(change(learner(3)));
    cluster.stabilize();
    cluster.heartbeat(1);
    expect(cluster.node(2).confState()).toEqual(conf([1, 2], [3]));
    cluster.propose(1, 'x');
    cluster.heartbeat(1);
    expect(cluster.get(3).applied).toEqual(['x']);
  });

  it('replays applied configuration entries on restart', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.node(1).proposeConfChange(change(learner(4)));
    cluster.stabilize();
    cluster.heartbeat(1);
    const applied = cluster.node(2).status().applied;
    const restarted = cluster.restart(2, applied);
    expect(restarted.node.confState()).toEqual(conf([1, 2, 3], [4]));
  });

  it('does not campaign while a committed configuration change awaits applying', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.node(1).proposeConfChange(change(learner(4)));
    cluster.stabilize();
    const applied = cluster.node(2).status().applied;
    // Restart 2 as if it had applied nothing after the snapshot: the change is committed but not applied.
    const restarted = cluster.restart(2, BOOTSTRAP_INDEX);
    restarted.node.campaign();
    expect(restarted.node.status().softState.role).toBe(Role.FOLLOWER);
    expect(applied).toBeGreaterThan(0);
  });
});

describe('a joint configuration in a running group', () => {
  /**
   * C-old {1,2,3} → C-new {1,4,5}, with 4 and 5 caught-up learners. Once the leader applies the
   * joint configuration, 2 and 3 are cut off: only C-new's majority {1,4,5} still answers, and it
   * holds just one voter of C-old.
   */
  const enterJointThenCutOldMajority = (): TestCluster => {
    const cluster = new TestCluster([1, 2, 3, 4, 5], { initial: conf([1, 2, 3], [4, 5]), config: { preVote: false, checkQuorum: false } });
    cluster.elect(1);
    cluster.propose(1, 'a');
    cluster.drop((m) => cluster.node(1).confState().votersOutgoing.length > 0 && [m.from, m.to].some((id) => id === 2 || id === 3));
    cluster.node(1).proposeConfChange(change(add(4), add(5), remove(2), remove(3)));
    cluster.stabilize();
    expect(cluster.node(1).confState().votersOutgoing).toEqual([1, 2, 3].map(nodeId));
    return cluster;
  };

  it('commits nothing with the new majority alone', () => {
    const cluster = enterJointThenCutOldMajority();
    const { hardState, lastIndex } = cluster.node(1).status();
    cluster.propose(1, 'b');
    cluster.tick(5);
    // 4 and 5 hold the leave entry and 'b', yet neither commits: C-old has only 1.
    for (const id of [4, 5]) expect(cluster.node(id).status().lastIndex).toBe(lastIndex + 1);
    expect(cluster.node(1).status().hardState.commit).toBe(hardState.commit);
    expect(cluster.node(1).confState().votersOutgoing).toHaveLength(3);
    cluster.heal();
    cluster.tick(5);
    expect(cluster.node(1).confState()).toEqual(conf([1, 4, 5]));
    expect(cluster.get(4).applied).toEqual(['a', 'b']);
  });

  it('elects no leader with the new majority alone', () => {
    const cluster = enterJointThenCutOldMajority();
    cluster.node(4).campaign();
    cluster.stabilize();
    // 1 and 5 granted: a majority of C-new, one voter of C-old.
    expect(cluster.node(4).status().softState.role).toBe(Role.CANDIDATE);
    expect(cluster.node(1).status().softState.role).toBe(Role.FOLLOWER);
    cluster.heal();
    cluster.node(4).campaign();
    cluster.stabilize();
    expect(cluster.leader()).toBe(nodeId(4));
  });
});
