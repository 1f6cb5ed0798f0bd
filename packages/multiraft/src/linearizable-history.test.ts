import { afterEach, describe, expect, it } from 'vitest';
import type { GroupId, NodeId } from '@flotilla/raft';
import { Xoshiro128 } from '@flotilla/raft';
import { checkHistory, HistoryRecorder } from '@flotilla/testkit';
import { ServiceError } from './service.js';
import type { KvService } from './service.js';
import { bytes, InMemoryCluster, text } from './testing/in-memory-cluster.js';

const SEED = 101;
const CLIENTS = 4;
const OPERATIONS_PER_CLIENT = 60;
const KEYS = ['h/a', 'h/b', 'h/c', 'h/d'];
/** Client 0's operation counts at which the leader of group 1 is cut off, and the cut healed. */
const PARTITION_AT = 20;
const HEAL_AT = 30;
/** Short, so that clients stuck on the cut-off node give up soon (their writes stay in the history as unknown). */
const REQUEST_TIMEOUT_MS = 500;

/** Refusals that certainly changed nothing; anything else may have. */
const NEVER_APPLIED = new Set<ServiceError['code']>(['not_leader', 'no_leader', 'overloaded', 'shutting_down', 'invalid_request']);

describe(`concurrent clients through every node, across a leader partition (seed ${SEED})`, () => {
  let cluster: InMemoryCluster | undefined;
  afterEach(async () => {
    cluster?.hub.heal();
    await cluster?.close();
  });

  it('see a linearizable history', async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED, config: { requestTimeoutMs: REQUEST_TIMEOUT_MS } });
    const c = cluster;
    const history = new HistoryRecorder();
    const random = new Xoshiro128(SEED);
    const group = c.groupIds()[0] as GroupId;

    const runOperation = async (client: number, service: KvService, n: number): Promise<void> => {
      const key = KEYS[random.int(KEYS.length)] as string;
      const roll = random.int(10);
      if (roll < 4) {
        const handle = history.invoke(client, { op: 'get', key });
        try {
          const read = await service.get(bytes(key), { kind: 'linearizable' });
          history.complete(handle, { value: read === undefined ? null : text(read.value) });
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          history.abandon(handle);
        }
        return;
      }
      const value = `${client}.${n}`;
      const handle = roll < 8 ? history.invoke(client, { op: 'put', key, value }) : history.invoke(client, { op: 'delete', key });
      try {
        const { result } = await service.execute(roll < 8 ? { op: 'put', key: bytes(key), value: bytes(value) } : { op: 'delete', key: bytes(key) });
        history.complete(handle, result.op === 'delete' && result.succeeded ? { succeeded: result.deleted } : {});
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        if (NEVER_APPLIED.has(error.code)) history.forget(handle);
        else history.abandon(handle);
      }
    };

    let cutOff: NodeId | undefined;
    const runClient = async (client: number): Promise<void> => {
      for (let n = 0; n < OPERATIONS_PER_CLIENT; n++) {
        if (client === 0 && n === PARTITION_AT) {
          cutOff = c.leaderOf(group);
          if (cutOff === undefined) throw new Error(`group ${group} has no leader`);
          c.hub.partition([cutOff], c.ids.filter((id) => id !== cutOff));
        }
        if (client === 0 && n === HEAL_AT) c.hub.heal();
        const via = c.ids[random.int(c.ids.length)] as NodeId;
        await runOperation(client, c.node(via).service, n);
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, client) => runClient(client)));

    expect(cutOff).toBeDefined();
    const operations = history.operations();
    expect(operations.filter((operation) => operation.status === 'ok').length).toBeGreaterThan(CLIENTS * OPERATIONS_PER_CLIENT * 0.5);
    const verdict = checkHistory(operations);
    expect(verdict.verdict === 'illegal' ? verdict.explanation : verdict.verdict).toBe('linearizable');
  }, 30_000);
});
