import { describe, expect, it } from 'vitest';
import { NO_NODE, Role, nodeId } from '@flotilla/raft';
import type { BasicStatus, NodeId } from '@flotilla/raft';
import type { NodeStore } from '@flotilla/storage';
import type { Transport } from '@flotilla/transport';
import type { MultiRaftHost } from './host.js';
import { NodeService } from './node-service.js';
import { realTime } from './node-time.js';
import type { Replica } from './replica.js';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';
import type { ShardRouter } from './shard-router.js';

const SELF = nodeId(1);
const URLS = new Map<NodeId, string>([
  [nodeId(1), 'http://node-1'],
  [nodeId(2), 'http://node-2'],
  [nodeId(3), 'http://node-3'],
]);

/** A node whose one replica refuses proposals as `status` says, so that /propose must redirect. */
const serviceRefusing = (status: Partial<BasicStatus>, requestTimeoutMs = 1_000): NodeService => {
  const basic: BasicStatus = { term: 2, role: Role.FOLLOWER, leader: NO_NODE, commit: 5, applied: 5, lastIndex: 5, leadTransferee: NO_NODE, ...status };
  const replica = { group: 1, raft: { basicStatus: () => basic } } as unknown as Replica;
  const host = {
    self: SELF,
    electionTimeoutMs: 1_000,
    propose: () => Promise.reject(new RetryableError('not_leader', 'refused')),
  } as unknown as MultiRaftHost;
  const router = { hash: () => 0n, replicaFor: () => replica, all: [replica] } as unknown as ShardRouter;
  return new NodeService({
    host,
    router,
    store: {} as NodeStore,
    transport: {} as Transport,
    clientUrls: URLS,
    requestTimeoutMs,
    maxPendingRequests: 10,
    maxPendingBytes: 1 << 20,
    time: realTime,
  });
};

const refusal = async (service: NodeService): Promise<ServiceError> => {
  const outcome = await service.executeHere({ op: 'put', key: new TextEncoder().encode('k'), value: new Uint8Array(1) }).catch((error: unknown) => error);
  if (!(outcome instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(outcome)}`);
  return outcome;
};

describe('a write whose deadline has passed when it is proposed', () => {
  it('times out, and the proposal failing afterwards is observed (an unhandled rejection would kill the process)', async () => {
    const service = serviceRefusing({ role: Role.LEADER, leader: SELF }, 0);
    const outcome = await service.executeHere({ op: 'put', key: new TextEncoder().encode('k'), value: new Uint8Array(1) }).catch((error: unknown) => error);
    expect(outcome).toMatchObject({ code: 'timeout' });
    // The refused proposal settles in a later microtask; vitest fails the run on an unhandled rejection.
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('where a refused write on this node points the client', () => {
  it('points at the leader a follower knows', async () => {
    const error = await refusal(serviceRefusing({ leader: nodeId(3) }));
    expect(error).toMatchObject({ code: 'not_leader', details: { leaderUrl: 'http://node-3' } });
  });

  it('points at the successor while this node hands its leadership over, not at itself', async () => {
    const error = await refusal(serviceRefusing({ role: Role.LEADER, leader: SELF, leadTransferee: nodeId(2) }));
    expect(error).toMatchObject({ code: 'not_leader', details: { leaderUrl: 'http://node-2' } });
  });

  it('says there is no leader when none is known', async () => {
    const error = await refusal(serviceRefusing({}));
    expect(error.code).toBe('no_leader');
  });
});
