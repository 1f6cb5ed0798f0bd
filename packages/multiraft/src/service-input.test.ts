import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeId } from '@flotilla/raft';
import { KvInputError, MAX_KEY_BYTES, MAX_SCAN_LIMIT, MAX_VALUE_BYTES } from '@flotilla/kv';
import type { KvService } from './service.js';
import { ServiceError } from './service.js';
import { bytes, InMemoryCluster } from './testing/in-memory-cluster.js';

const SEED = 127;

/** The request's outcome; a request that throws instead of returning a promise is a failure of its own. */
const outcomeOf = async (request: () => Promise<unknown>): Promise<unknown> => {
  let pending: Promise<unknown>;
  try {
    pending = request();
  } catch (error) {
    return new Error(`threw synchronously instead of rejecting: ${String(error)}`);
  }
  return pending.then(
    () => 'succeeded',
    (error: unknown) => error,
  );
};

const described = (outcome: unknown): string => (outcome instanceof Error ? `${outcome.name}: ${outcome.message}` : String(outcome));

const isClientError = (outcome: unknown): boolean =>
  outcome instanceof KvInputError || (outcome instanceof ServiceError && outcome.code === 'invalid_request');

describe(`bad client input (seed ${SEED})`, () => {
  let cluster: InMemoryCluster;
  let service: KvService;
  const lastIndexes = (): number[] => cluster.ids.flatMap((id) => cluster.node(id).service.status().groups.map((group) => group.lastIndex));
  beforeAll(async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED });
    service = cluster.node(cluster.ids[0] as NodeId).service;
    await service.execute({ op: 'put', key: bytes('input/present'), value: bytes('v') });
  });
  afterAll(() => cluster.close());

  it('rejects malformed writes with a client error and proposes nothing', async () => {
    const before = lastIndexes();
    const bad = [
      () => service.execute({ op: 'put', key: new Uint8Array(0), value: bytes('v') }),
      () => service.execute({ op: 'put', key: new Uint8Array(MAX_KEY_BYTES + 1), value: bytes('v') }),
      () => service.execute({ op: 'put', key: bytes('input/k'), value: new Uint8Array(MAX_VALUE_BYTES + 1) }),
      () => service.execute({ op: 'put', key: bytes('input/k'), value: bytes('v'), ifRevision: -1 }),
      () => service.execute({ op: 'delete', key: bytes('input/k'), ifRevision: 1.5 }),
      () => service.executeHere({ op: 'delete', key: new Uint8Array(0) }),
    ];
    for (const [i, request] of bad.entries()) {
      const outcome = await outcomeOf(request);
      expect(isClientError(outcome), `write ${i}: ${described(outcome)}`).toBe(true);
    }
    expect(lastIndexes()).toEqual(before);
  });

  it('takes the largest key with the largest value the limits allow, and reads it back', async () => {
    const key = new Uint8Array(MAX_KEY_BYTES).fill(0x6b);
    const value = new Uint8Array(MAX_VALUE_BYTES).fill(0x76);
    const outcome = await outcomeOf(() => service.execute({ op: 'put', key, value, ifRevision: 0 }));
    expect(outcome, described(outcome)).toBe('succeeded');
    const stored = await service.get(key, { kind: 'linearizable' });
    // Compared as buffers: a deep equality walk over a MiB takes seconds.
    expect(Buffer.compare(stored?.value ?? new Uint8Array(0), value)).toBe(0);
  });

  it('rejects a get of a malformed key with a client error', async () => {
    for (const key of [new Uint8Array(0), new Uint8Array(MAX_KEY_BYTES + 1)]) {
      const outcome = await outcomeOf(() => service.get(key, { kind: 'linearizable' }));
      expect(isClientError(outcome), `get of a ${key.byteLength}-byte key: ${described(outcome)}`).toBe(true);
    }
  });

  it('rejects a scan limit outside [1, MAX_SCAN_LIMIT] and an over-long prefix as invalid requests', async () => {
    const scans: [string, () => Promise<unknown>][] = [
      ['limit 0', () => service.scan(bytes('input/'), 0, { kind: 'stale' })],
      ['limit -1', () => service.scan(bytes('input/'), -1, { kind: 'stale' })],
      ['limit 2.5', () => service.scan(bytes('input/'), 2.5, { kind: 'stale' })],
      ['limit NaN', () => service.scan(bytes('input/'), Number.NaN, { kind: 'stale' })],
      ['limit above the maximum', () => service.scan(bytes('input/'), MAX_SCAN_LIMIT + 1, { kind: 'stale' })],
      ['prefix longer than a key', () => service.scan(new Uint8Array(MAX_KEY_BYTES + 1), 10, { kind: 'stale' })],
    ];
    for (const [name, scan] of scans) {
      const outcome = await outcomeOf(scan);
      expect(isClientError(outcome), `scan with ${name}: ${described(outcome)}`).toBe(true);
    }
  });

  it('serves a scan at the maximum limit', async () => {
    expect(await outcomeOf(() => service.scan(bytes('input/'), MAX_SCAN_LIMIT, { kind: 'linearizable' }))).toBe('succeeded');
  });
});
