import { EntryType, MessageType } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { SafetyViolation } from '../invariants/safety-violation.js';
import { elect, n, proposePut, scriptedCluster, settle } from '../scenarios/scripted-cluster.js';
import { encodeCommand } from '../statemachine/kv-command.js';

// The checker is wired into live runs: a network that corrupts one append in flight makes a
// follower hold a different entry under the same index and term, and the run stops there.
describe('a violation planted in a live cluster', () => {
  it('stops the run with a SafetyViolation', async () => {
    const cluster = await scriptedCluster(3);
    await elect(cluster, n(1));
    await settle(cluster, [n(1), n(2), n(3)], 2);
    const forged = encodeCommand({ client: 99, seq: 1, write: { op: 'put', key: 'k', value: 'forged' } });
    cluster.network.intercept = (message) =>
      message.type === MessageType.APP && message.to === n(3)
        ? { ...message, entries: (message.entries ?? []).map((entry) => (entry.type === EntryType.COMMAND ? { ...entry, data: forged } : entry)) }
        : message;
    proposePut(cluster, n(1), 'k', 'real');
    await expect(cluster.run(5)).rejects.toThrow(SafetyViolation);
  });
});
