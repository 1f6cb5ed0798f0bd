import { afterEach, describe, expect, it } from 'vitest';
import { Role } from '@flotilla/raft';
import type { GroupId, NodeId } from '@flotilla/raft';
import type { Committed, ReadConsistency } from './service.js';
import { bytes, InMemoryCluster, text, waitFor } from './testing/in-memory-cluster.js';

const SEED = 37;
const LINEARIZABLE: ReadConsistency = { kind: 'linearizable' };
const STALE: ReadConsistency = { kind: 'stale' };
const WRITES_PER_PHASE = 20;
/** Many election timeouts: a leader that does not step down by then never will on its own. */
const QUIESCED_STEP_DOWN_WAIT_MS = 2_000;

/** Writes `keys` one after another through `via`; every write must be acknowledged. */
const writeAll = async (cluster: InMemoryCluster, via: NodeId, keys: readonly Uint8Array[], value: string): Promise<Committed[]> => {
  const acknowledged: Committed[] = [];
  for (const key of keys) acknowledged.push(await cluster.node(via).service.execute({ op: 'put', key, value: bytes(value) }));
  return acknowledged;
};

describe(`losing the leader of a shard (seed ${SEED})`, () => {
  let cluster: InMemoryCluster | undefined;
  afterEach(async () => {
    cluster?.hub.heal();
    await cluster?.close();
  });

  it('keeps the shard writable through the others, and the old leader catches up after a restart', async () => {
    cluster = await InMemoryCluster.start({ shards: 3, seed: SEED });
    const c = cluster;
    const group = c.groupIds()[1] as GroupId;
    const oldLeader = c.requireLeader(group);
    const others = c.ids.filter((id) => id !== oldLeader);
    const [first, second] = others as [NodeId, NodeId];
    const keys = c.keysInGroup(group, 3 * WRITES_PER_PHASE, 'failover/');

    const before = await writeAll(c, oldLeader, keys.slice(0, WRITES_PER_PHASE), 'before');
    c.hub.partition([oldLeader], others);
    // Through both remaining nodes: each retries until the shard has a new leader.
    const during = [
      ...(await writeAll(c, first, keys.slice(WRITES_PER_PHASE, WRITES_PER_PHASE * 1.5), 'during')),
      ...(await writeAll(c, second, keys.slice(WRITES_PER_PHASE * 1.5, WRITES_PER_PHASE * 2), 'during')),
    ];
    const newLeader = c.requireLeader(group);
    expect(newLeader).not.toBe(oldLeader);
    expect(Math.min(...during.map((write) => write.term))).toBeGreaterThan(Math.max(...before.map((write) => write.term)));

    // The cut-off node goes down, the network heals, and the shard moves on without it.
    await c.stopNode(oldLeader);
    c.hub.heal();
    const after = await writeAll(c, first, keys.slice(WRITES_PER_PHASE * 2), 'after');
    const acknowledged = [...before, ...during, ...after];

    for (const reader of others) {
      for (const [i, key] of keys.entries()) {
        const read = await c.node(reader).service.get(key, LINEARIZABLE);
        const write = acknowledged[i];
        if (write?.result.op !== 'put' || !write.result.succeeded) throw new Error('a write was not a successful put');
        expect({ key: text(key), modRevision: read?.modRevision }).toEqual({ key: text(key), modRevision: write.result.modRevision });
      }
    }

    await c.startNode(oldLeader);
    const leaderApplied = c.groupStatus(c.requireLeader(group), group).appliedIndex;
    await waitFor(`node ${oldLeader} to apply through ${leaderApplied}`, () =>
      c.groupStatus(oldLeader, group).appliedIndex >= leaderApplied ? true : undefined,
    );
    const onLeader = await c.node(c.requireLeader(group)).service.scan(bytes('failover/'), 1_000, STALE);
    const onRestarted = await c.node(oldLeader).service.scan(bytes('failover/'), 1_000, STALE);
    expect(onRestarted.items).toHaveLength(keys.length);
    expect(onRestarted).toEqual(onLeader);
  });

  it('answers a write that a cut-off leader accepted only once it committed, on the new leader', async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED + 1 });
    const c = cluster;
    const group = c.groupIds()[0] as GroupId;
    const oldLeader = c.requireLeader(group);
    const others = c.ids.filter((id) => id !== oldLeader);
    const [key, other] = c.keysInGroup(group, 2, 'cut-off/') as [Uint8Array, Uint8Array];

    const termBefore = c.groupStatus(oldLeader, group).term;
    c.hub.partition([oldLeader], others);
    const stranded = c.node(oldLeader).service.execute({ op: 'put', key, value: bytes('stranded') });
    await writeAll(c, others[0] as NodeId, [other], 'elsewhere');
    expect(c.requireLeader(group)).not.toBe(oldLeader);
    c.hub.heal();

    // Whatever the cut-off leader appended is overwritten by the new leader's log; the node proposes again there.
    const committed = await stranded;
    expect(committed.term).toBeGreaterThan(termBefore);
    expect(committed.result).toMatchObject({ op: 'put', succeeded: true, version: 1 });
    for (const reader of c.ids) {
      const read = await c.node(reader).service.get(key, LINEARIZABLE);
      expect(read === undefined ? undefined : { value: text(read.value), version: read.version }).toEqual({ value: 'stranded', version: 1 });
    }
  });

  it('makes a leader cut off while its groups are quiesced step down, so it reports itself not ready', async () => {
    cluster = await InMemoryCluster.start({ shards: 3, seed: SEED + 2 });
    const c = cluster;
    await c.node(c.ids[0] as NodeId).service.execute({ op: 'put', key: bytes('quiet'), value: bytes('v') });
    await c.waitQuiesced();
    const cutOff = c.requireLeader(c.groupIds()[0] as GroupId);
    const others = c.ids.filter((id) => id !== cutOff);
    c.hub.partition([cutOff], others);

    // The others notice the silence and elect new leaders; the cut-off node must notice it lost its followers.
    await waitFor('the others to lead every group', () =>
      c.groupIds().every((group) => others.some((id) => c.groupStatus(id, group).role === Role.LEADER)) ? true : undefined,
    );
    const service = c.node(cutOff).service;
    await waitFor(
      `node ${cutOff} to stop leading while cut off`,
      () => (service.status().groups.every((group) => group.role !== Role.LEADER) ? true : undefined),
      QUIESCED_STEP_DOWN_WAIT_MS,
    );
    expect(service.isReady()).toBe(false);
  });
});
