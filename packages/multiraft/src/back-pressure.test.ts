import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeId } from '@flotilla/raft';
import type { Committed, ReadConsistency } from './service.js';
import { ServiceError } from './service.js';
import { bytes, InMemoryCluster } from './testing/in-memory-cluster.js';

const SEED = 89;
const MAX_PENDING_REQUESTS = 4;
const MAX_PENDING_BYTES = 4_096;
const BURST = 12;
const LINEARIZABLE: ReadConsistency = { kind: 'linearizable' };

const settle = <T>(promises: readonly Promise<T>[]): Promise<PromiseSettledResult<T>[]> => Promise.allSettled(promises);

const expectOverloaded = (outcome: PromiseSettledResult<unknown>): void => {
  expect(outcome.status).toBe('rejected');
  if (outcome.status !== 'rejected') return;
  expect(outcome.reason).toBeInstanceOf(ServiceError);
  expect(outcome.reason).toMatchObject({ code: 'overloaded' });
  expect((outcome.reason as ServiceError).details.retryAfterMs).toBeGreaterThan(0);
};

describe(`a node with at most ${MAX_PENDING_REQUESTS} requests pending (seed ${SEED})`, () => {
  let cluster: InMemoryCluster;
  beforeAll(async () => {
    cluster = await InMemoryCluster.start({
      shards: 2,
      seed: SEED,
      config: { maxPendingRequests: MAX_PENDING_REQUESTS, maxPendingBytes: MAX_PENDING_BYTES },
    });
  });
  afterAll(() => cluster.close());

  it('refuses writes beyond the bound as overloaded, and applies exactly the admitted ones', async () => {
    const node = cluster.node(cluster.ids[0] as NodeId).service;
    const keys = Array.from({ length: BURST }, (_, i) => bytes(`burst/${i}`));
    const outcomes = await settle<Committed>(keys.map((key) => node.execute({ op: 'put', key, value: bytes('v') })));

    // Admission is decided when the request arrives: the first ones in, the rest refused.
    for (const outcome of outcomes.slice(0, MAX_PENDING_REQUESTS)) expect(outcome.status).toBe('fulfilled');
    for (const outcome of outcomes.slice(MAX_PENDING_REQUESTS)) expectOverloaded(outcome);
    const reader = cluster.node(cluster.ids[1] as NodeId).service;
    for (const [i, key] of keys.entries()) {
      const read = await reader.get(key, LINEARIZABLE);
      expect({ i, present: read !== undefined }).toEqual({ i, present: i < MAX_PENDING_REQUESTS });
    }
  });

  it('counts reads against the same bound', async () => {
    const node = cluster.node(cluster.ids[2] as NodeId).service;
    const outcomes = await settle(Array.from({ length: BURST }, (_, i) => node.get(bytes(`burst/${i}`), LINEARIZABLE)));
    for (const outcome of outcomes.slice(0, MAX_PENDING_REQUESTS)) expect(outcome.status).toBe('fulfilled');
    for (const outcome of outcomes.slice(MAX_PENDING_REQUESTS)) expectOverloaded(outcome);
  });

  it('refuses a request whose bytes would pass the byte bound, and nothing of it is written', async () => {
    const node = cluster.node(cluster.ids[0] as NodeId).service;
    const keys = [bytes('big/admitted'), bytes('big/refused')];
    // Each fits alone; the two together pass the bound.
    const value = new Uint8Array(Math.ceil(MAX_PENDING_BYTES * 0.6));
    const [admitted, refused] = await settle(keys.map((key) => node.execute({ op: 'put', key, value })));
    expect(admitted?.status).toBe('fulfilled');
    expectOverloaded(refused as PromiseSettledResult<Committed>);
    expect((await node.get(keys[0] as Uint8Array, LINEARIZABLE))?.value.byteLength).toBe(value.byteLength);
    expect(await node.get(keys[1] as Uint8Array, LINEARIZABLE)).toBeUndefined();
  });

  it('refuses a request larger than the byte bound itself as too large, not overloaded', async () => {
    const node = cluster.node(cluster.ids[0] as NodeId).service;
    const key = bytes('big/never');
    await expect(node.execute({ op: 'put', key, value: new Uint8Array(MAX_PENDING_BYTES + 1) })).rejects.toMatchObject({ code: 'too_large' });
    expect(await node.get(key, LINEARIZABLE)).toBeUndefined();
  });

  it('admits again once the pending requests are answered', async () => {
    for (const id of cluster.ids) {
      const node = cluster.node(id).service;
      const outcomes = await settle(
        Array.from({ length: MAX_PENDING_REQUESTS }, (_, i) => node.execute({ op: 'put', key: bytes(`again/${id}/${i}`), value: bytes('v') })),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(MAX_PENDING_REQUESTS).fill('fulfilled'));
    }
  });
});
