import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeId } from '@flotilla/raft';
import type { KvService, ReadConsistency } from './service.js';
import { ServiceError } from './service.js';
import { bytes, clientUrlOf, InMemoryCluster, text, waitFor } from './testing/in-memory-cluster.js';

const SEED = 23;
const LINEARIZABLE: ReadConsistency = { kind: 'linearizable' };
const STALE: ReadConsistency = { kind: 'stale' };

describe(`writes and reads through any node of a 3-node, 4-shard cluster (seed ${SEED})`, () => {
  let cluster: InMemoryCluster;
  const service = (id: NodeId): KvService => cluster.node(id).service;
  beforeAll(async () => {
    cluster = await InMemoryCluster.start({ shards: 4, seed: SEED });
  });
  afterAll(() => cluster.close());

  it('puts through every node, whichever leads the key, and counts revisions per key', async () => {
    for (const id of cluster.ids) {
      const key = bytes(`revisions/${id}`);
      const first = await service(id).execute({ op: 'put', key, value: bytes('one') });
      expect(first.group).toBe(cluster.groupOfKey(key));
      expect(cluster.groupStatus(id, first.group).term).toBe(first.term);
      expect(first.result).toMatchObject({ op: 'put', succeeded: true, version: 1 });
      if (first.result.op !== 'put' || !first.result.succeeded) throw new Error('put failed');
      expect(first.result.createRevision).toBe(first.result.revision);
      expect(first.result.modRevision).toBe(first.result.revision);

      const second = await service(id).execute({ op: 'put', key, value: bytes('two') });
      expect(second.logIndex).toBeGreaterThan(first.logIndex);
      expect(second.result).toMatchObject({
        op: 'put',
        succeeded: true,
        version: 2,
        createRevision: first.result.createRevision,
        revision: first.result.revision + 1,
        modRevision: first.result.revision + 1,
      });
    }
  });

  it('compares and swaps: ifRevision 0 creates only, a stale revision fails with the current one', async () => {
    const key = bytes('cas/key');
    const node = service(cluster.ids[1] as NodeId);
    const created = await node.execute({ op: 'put', key, value: bytes('a'), ifRevision: 0 });
    if (created.result.op !== 'put' || !created.result.succeeded) throw new Error('create failed');
    const modRevision = created.result.modRevision;

    const again = await node.execute({ op: 'put', key, value: bytes('b'), ifRevision: 0 });
    expect(again.result).toEqual({ op: 'put', succeeded: false, currentRevision: modRevision });
    const stale = await node.execute({ op: 'put', key, value: bytes('b'), ifRevision: modRevision + 7 });
    expect(stale.result).toEqual({ op: 'put', succeeded: false, currentRevision: modRevision });
    expect(text((await node.get(key, LINEARIZABLE))?.value ?? bytes(''))).toBe('a');

    const swapped = await node.execute({ op: 'put', key, value: bytes('c'), ifRevision: modRevision });
    expect(swapped.result).toMatchObject({ op: 'put', succeeded: true, version: 2, modRevision: modRevision + 1 });

    const badDelete = await node.execute({ op: 'delete', key, ifRevision: modRevision });
    expect(badDelete.result).toEqual({ op: 'delete', succeeded: false, currentRevision: modRevision + 1 });
    const deleted = await node.execute({ op: 'delete', key, ifRevision: modRevision + 1 });
    expect(deleted.result).toEqual({ op: 'delete', succeeded: true, deleted: true, revision: modRevision + 2 });
    const absent = await node.execute({ op: 'delete', key });
    expect(absent.result).toEqual({ op: 'delete', succeeded: true, deleted: false, revision: modRevision + 2 });
    expect(await node.get(key, LINEARIZABLE)).toBeUndefined();

    const recreated = await node.execute({ op: 'put', key, value: bytes('d'), ifRevision: 0 });
    // A deleted key starts over: a new create revision and version 1.
    expect(recreated.result).toMatchObject({ succeeded: true, version: 1, createRevision: modRevision + 3 });
  });

  it('lets a linearizable get on every node see a write as soon as it is acknowledged', async () => {
    for (let round = 0; round < 6; round++) {
      const writer = cluster.ids[round % 3] as NodeId;
      const key = bytes(`linearizable/${round % 2}`);
      const value = bytes(`round ${round}`);
      const { result } = await service(writer).execute({ op: 'put', key, value });
      if (result.op !== 'put' || !result.succeeded) throw new Error('put failed');
      for (const reader of cluster.ids) {
        const read = await service(reader).get(key, LINEARIZABLE);
        expect({ reader, value: text(read?.value ?? bytes('')), modRevision: read?.modRevision }).toEqual({
          reader,
          value: `round ${round}`,
          modRevision: result.modRevision,
        });
      }
    }
  });

  it('lets stale and bounded reads on every node see a write eventually', async () => {
    const key = bytes('eventually/key');
    const { result } = await service(cluster.ids[0] as NodeId).execute({ op: 'put', key, value: bytes('v') });
    if (result.op !== 'put' || !result.succeeded) throw new Error('put failed');
    for (const consistency of [STALE, { kind: 'bounded', maxStalenessMs: 10_000 }] as const) {
      for (const reader of cluster.ids) {
        const read = await waitFor(`node ${reader} to see the write (${consistency.kind})`, async () => {
          const found = await service(reader).get(key, consistency);
          return found?.modRevision === result.modRevision ? found : undefined;
        });
        expect(text(read.value)).toBe('v');
      }
    }
  });

  it('scans a prefix across every shard, sorted, cut at the limit with `more`', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `scan/${String(i).padStart(2, '0')}`);
    // Written in a scrambled order, around keys just outside the prefix.
    const order = [7, 2, 11, 0, 5, 9, 1, 10, 3, 8, 6, 4];
    for (const i of order) await service(cluster.ids[i % 3] as NodeId).execute({ op: 'put', key: bytes(names[i] as string), value: bytes(`${i}`) });
    for (const outside of ['scan', 'scam/00', 'scan0', 'sca']) await service(cluster.ids[0] as NodeId).execute({ op: 'put', key: bytes(outside), value: bytes('x') });
    const groups = new Set(names.map((name) => cluster.groupOfKey(bytes(name))));
    expect(groups.size).toBeGreaterThan(1);

    for (const reader of cluster.ids) {
      const all = await service(reader).scan(bytes('scan/'), 100, LINEARIZABLE);
      expect(all.items.map((item) => text(item.key))).toEqual(names);
      expect(all.items.map((item) => text(item.value))).toEqual(names.map((_, i) => `${i}`));
      expect(all.more).toBe(false);

      const firstFive = await service(reader).scan(bytes('scan/'), 5, LINEARIZABLE);
      expect(firstFive.items.map((item) => text(item.key))).toEqual(names.slice(0, 5));
      expect(firstFive.more).toBe(true);

      const exact = await service(reader).scan(bytes('scan/'), names.length, LINEARIZABLE);
      expect(exact.items).toHaveLength(names.length);
      expect(exact.more).toBe(false);
    }
  });

  it('refuses executeHere on a node that does not lead the shard, naming the leader\'s client URL', async () => {
    for (const group of cluster.groupIds()) {
      const leader = cluster.leaderOf(group);
      if (leader === undefined) throw new Error(`group ${group} has no leader`);
      const [key] = cluster.keysInGroup(group, 1, 'here/');
      if (key === undefined) throw new Error('no key');
      for (const id of cluster.ids.filter((other) => other !== leader)) {
        // The leader's URL arrives with its first hello; until then the answer is no_leader.
        const error = await waitFor(`node ${id} to know node ${leader}'s client URL`, async () => {
          const failure = await service(id).executeHere({ op: 'put', key, value: bytes('no') }).then(
            () => new Error('executeHere succeeded on a follower'),
            (caught: unknown) => caught,
          );
          return failure instanceof ServiceError && failure.code === 'no_leader' ? undefined : failure;
        });
        expect(error).toBeInstanceOf(ServiceError);
        expect(error).toMatchObject({ code: 'not_leader', details: { leaderUrl: clientUrlOf(leader) } });
      }
      const here = await service(leader).executeHere({ op: 'put', key, value: bytes('yes') });
      expect(here.group).toBe(group);
      // The refused attempts changed nothing: the leader's write is the key's first version.
      expect(here.result).toMatchObject({ succeeded: true, version: 1 });
    }
  });
});
