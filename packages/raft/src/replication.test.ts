import { describe, expect, it } from 'vitest';
import { ProposalDroppedError } from './errors.js';
import { MemoryLogStorage } from './memory-storage.js';
import { TestCluster, bytes, conf } from './testing/test-cluster.js';
import type { Entry } from './types.js';
import { EntryType, MessageType, nodeId } from './types.js';

const entriesOfTerms = (terms: number[]): Entry[] =>
  terms.map((term, i) => ({ index: i + 2, term, type: EntryType.NO_OP, data: new Uint8Array() }));

/** A group whose replicas start from the given logs (terms by index), all at `term`. */
const clusterWithLogs = (logs: number[][], term: number, config = {}): TestCluster => {
  const cluster = new TestCluster([], { config });
  logs.forEach((terms, i) => {
    const storage = new MemoryLogStorage(conf(logs.map((_, j) => j + 1)));
    storage.append(entriesOfTerms(terms));
    storage.setHardState({ term, vote: nodeId(0), commit: 1 });
    cluster.addReplica(i + 1, storage);
  });
  return cluster;
};

const dropped = (error: unknown): string => (error instanceof ProposalDroppedError ? error.reason : 'not dropped');
const tryPropose = (run: () => void): string => {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return dropped(error);
  }
};

describe('replication', () => {
  it('Figure 8: a leader does not commit an older-term entry by counting replicas', () => {
    const cluster = clusterWithLogs([[1, 2], [1], [1]], 2, { maxMessageBytes: 1 });
    // Entry 3 (term 2) reaches replica 2; once it has, the new leader's NO_OP (index 4) does not.
    let holdsTwo = false;
    cluster.isolate(3);
    cluster.drop((m) => {
      if (m.type === MessageType.APP_RESP && m.from === 2 && m.index === 3 && m.reject !== true) holdsTwo = true;
      return holdsTwo && m.type === MessageType.APP && m.to === 2 && (m.entries ?? []).some((e) => e.index === 4);
    });
    cluster.elect(1);
    const status = cluster.node(1).status();
    expect(status.progress?.find((p) => p.id === 2)?.match).toBe(3);
    expect(status.hardState.commit).toBe(1);
    cluster.heal();
    cluster.tick(3);
    expect(cluster.node(1).status().hardState.commit).toBe(4);
  });

  it('resolves a divergent tail in one round trip per term with the conflict-term hint', () => {
    const long = [1, ...Array<number>(10).fill(3)];
    const diverged = [1, ...Array<number>(10).fill(2)];
    const cluster = clusterWithLogs([long, long, diverged], 3);
    cluster.elect(1);
    const rejections = cluster.delivered.filter((m) => m.type === MessageType.APP_RESP && m.reject === true && m.from === 3);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatchObject({ index: 12, rejectHint: 12, hintTerm: 2 });
    const terms = cluster.get(3).storage.entries(2, 14, Infinity).map((e) => e.term);
    expect(terms).toEqual([1, ...Array<number>(10).fill(3), 4]);
  });

  it('keeps at most maxInflightMessages appends in flight to a silent follower', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { maxInflightMessages: 2 } });
    cluster.elect(1);
    cluster.drop((m) => m.type === MessageType.APP_RESP && m.from === 3);
    cluster.delivered = [];
    for (let i = 0; i < 5; i++) cluster.propose(1, `p${i}`);
    const toThree = cluster.delivered.filter((m) => m.type === MessageType.APP && m.to === 3 && (m.entries ?? []).length > 0);
    expect(toThree).toHaveLength(2);
    cluster.heal();
    cluster.tick(4);
    expect(cluster.get(3).applied).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
  });

  it('limits inflight bytes and message bytes', () => {
    const cluster = new TestCluster([1, 2], { config: { maxInflightBytes: 100, maxMessageBytes: 60 } });
    cluster.elect(1);
    cluster.drop((m) => m.type === MessageType.APP_RESP);
    cluster.delivered = [];
    for (let i = 0; i < 6; i++) cluster.node(1).propose(bytes('0123456789'));
    cluster.stabilize();
    const appends = cluster.delivered.filter((m) => m.type === MessageType.APP && (m.entries ?? []).length > 0);
    // 34 bytes per entry: one entry per message, and the window closes past 100 bytes.
    expect(appends.map((m) => m.entries?.length)).toEqual([1, 1, 1]);
  });

  it('drops proposals past the uncommitted limit, accepting again after commit', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { maxUncommittedEntriesBytes: 25 } });
    cluster.elect(1);
    cluster.isolate(1);
    const results = [0, 1, 2].map(() => tryPropose(() => cluster.node(1).propose(bytes('0123456789'))));
    expect(results).toEqual(['accepted', 'accepted', 'uncommitted-limit']);
    cluster.heal();
    cluster.tick(3);
    expect(tryPropose(() => cluster.node(1).propose(bytes('0123456789')))).toBe('accepted');
  });

  it('forwards proposals from followers and refuses them without a leader', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { maxMessageBytes: 8 } });
    expect(tryPropose(() => cluster.node(2).propose(bytes('x')))).toBe('no-leader');
    cluster.elect(1);
    cluster.propose(3, 'from-3');
    expect(cluster.get(1).applied).toEqual(['from-3']);
    expect(tryPropose(() => cluster.node(1).propose(bytes('far too large')))).toBe('too-large');
    cluster.node(2).campaign();
    expect(tryPropose(() => cluster.node(2).propose(bytes('x')))).toBe('no-leader');
  });

  it('catches up a follower that missed appends after it reconnects', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.isolate(3);
    for (let i = 0; i < 10; i++) cluster.propose(1, `v${i}`);
    cluster.heal();
    cluster.node(1).reportUnreachable(nodeId(3));
    cluster.tick(3);
    expect(cluster.get(3).applied).toEqual(cluster.get(1).applied);
  });
});
