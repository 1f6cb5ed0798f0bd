import { MessageType } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { commitOf, elect, isLeader, n, proposePut, scriptedCluster, settle } from './scripted-cluster.js';

// Figure 8 of the Raft paper: an entry of an old term that sits on a majority must not be
// committed by counting replicas, because a later leader may still overwrite it. Index 1 is
// the bootstrap snapshot, so the first leader's NO_OP is index 2 and the contested entry X is 3.
describe('Figure 8: old-term entries are not committed by counting', () => {
  it('keeps X uncommitted on a majority, then lets the term-3 entry overwrite it', async () => {
    // Room for X alone in an append; the script strips the term-4 NO_OP from appends to S3.
    const cluster = await scriptedCluster(5, { maxMessageBytes: 100 });
    const [s1, s2, s3, s4, s5] = [n(1), n(2), n(3), n(4), n(5)];

    // (a) S1 leads term 2 and gets X only to S2.
    await elect(cluster, s1);
    await settle(cluster, [s1, s2, s3, s4, s5], 2);
    cluster.network.links.partition([s1], [s3, s4, s5]);
    proposePut(cluster, s1, 'x', 'X');
    await cluster.run(5);
    expect(cluster.checker.logTermAt(s2, 3)).toBe(2);
    expect(commitOf(cluster, s1)).toBe(2);

    // (b) S1 crashes; S5 wins term 3 with S3 and S4 and appends its NO_OP at 3, which no one else receives.
    cluster.crash(s1);
    cluster.network.links.healAll();
    cluster.network.intercept = (message) => (message.from === s5 && message.type === MessageType.APP ? undefined : message);
    await elect(cluster, s5);
    expect(cluster.checker.logTermAt(s5, 3)).toBe(3);
    cluster.crash(s5);
    cluster.network.intercept = undefined;

    // (c) S1 restarts and wins term 4 with S2 and S3; X reaches S3 (a majority holds it), the term-4 NO_OP only S2.
    await cluster.restart(s1);
    cluster.network.links.isolate(s4, [s1, s2, s3, s5]);
    cluster.network.intercept = (message) =>
      message.type === MessageType.APP && message.to === s3
        ? { ...message, entries: (message.entries ?? []).filter((entry) => entry.term !== 4) }
        : message;
    await elect(cluster, s1);
    await cluster.run(10);
    expect(isLeader(cluster, s1)).toBe(true);
    for (const holder of [s1, s2, s3]) expect(cluster.checker.logTermAt(holder, 3)).toBe(2);
    // X is on three of five, yet it is of term 2: the term-4 leader must not commit it. (Its
    // commit index may be below 2: it restarted from what it had applied, and relearns the rest
    // only once an entry of its own term commits.)
    expect(commitOf(cluster, s1)).toBeLessThan(3);
    expect(cluster.checker.committedTermAt(3)).toBeUndefined();

    // (d) S1 crashes; S5 (last term 3) wins term 5 with S3 and S4, and its entry at 3 replaces X everywhere.
    cluster.crash(s1);
    cluster.network.intercept = undefined;
    cluster.network.links.healAll();
    await cluster.restart(s5);
    await elect(cluster, s5);
    await settle(cluster, [s2, s3, s4, s5], 4);
    expect(cluster.checker.committedTermAt(3)).toBe(3);
    // S1 comes back; heartbeats (the clock runs again) make S5 find and repair its log.
    await cluster.restart(s1);
    cluster.ticking = true;
    await settle(cluster, [s1, s2, s3, s4, s5], 4, 300);
    for (const id of [s1, s2, s3, s4, s5]) {
      expect(cluster.checker.logTermAt(id, 3)).toBe(3);
      expect(cluster.node(id).kvState().get('x')).toBeNull();
    }
  });
});
