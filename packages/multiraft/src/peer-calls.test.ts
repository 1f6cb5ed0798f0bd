import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupId, NodeId } from '@flotilla/raft';
import { encodeCommand } from '@flotilla/kv';
import { MemoryTransport, RemoteCallError } from '@flotilla/transport';
import { decodePeerAnswer, encodePeerMessage } from './peer-rpc.js';
import type { PeerAnswer, PeerRequest } from './peer-rpc.js';
import { bytes, clientUrlOf, InMemoryCluster, text, waitFor } from './testing/in-memory-cluster.js';

const SEED = 113;
const CALL_TIMEOUT_MS = 2_000;

describe(`node-to-node calls into a running node (seed ${SEED})`, () => {
  let cluster: InMemoryCluster;
  /** Node 3's place on the hub, taken by a bare transport that sends what a test tells it to. */
  let peer: MemoryTransport;
  const impostor = (): NodeId => cluster.ids[2] as NodeId;
  const call = async (to: NodeId, request: PeerRequest): Promise<PeerAnswer> =>
    decodePeerAnswer(await peer.call(to, encodePeerMessage(request), CALL_TIMEOUT_MS));

  beforeAll(async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED });
    await cluster.stopNode(impostor());
    await cluster.waitReady();
    peer = new MemoryTransport(cluster.hub, { self: impostor(), peers: cluster.ids.filter((id) => id !== impostor()) });
    await peer.start();
  });
  afterAll(async () => {
    await peer.close();
    await cluster.close();
  });

  it('answers a hello with the node\'s client URL', async () => {
    for (const id of cluster.runningIds) {
      expect(await call(id, { kind: 'hello', clientUrl: clientUrlOf(impostor()) })).toEqual({ kind: 'hello', clientUrl: clientUrlOf(id) });
    }
  });

  it('executes a forwarded command where it leads, and names the leader where it does not', async () => {
    const group = cluster.groupIds()[0] as GroupId;
    const leader = cluster.leaderOf(group) as NodeId;
    const follower = cluster.runningIds.find((id) => id !== leader) as NodeId;
    const [key] = cluster.keysInGroup(group, 1, 'forwarded/') as [Uint8Array];
    const command = encodeCommand({ op: 'put', key, value: bytes('from a peer') });

    // The leader's URL arrives with its first hello; until then the answer is no_leader.
    const refused = await waitFor(`node ${follower} to know node ${leader}'s client URL`, async () => {
      const answer = await call(follower, { kind: 'execute', command });
      return answer.kind === 'error' && answer.code === 'no_leader' ? undefined : answer;
    });
    expect(refused).toMatchObject({ kind: 'error', code: 'not_leader', details: { leaderUrl: clientUrlOf(leader) } });
    const executed = await call(leader, { kind: 'execute', command });
    expect(executed).toMatchObject({ kind: 'executed', group, result: { op: 'put', succeeded: true, version: 1 } });
    const read = await cluster.node(follower).service.get(key, { kind: 'linearizable' });
    expect(text(read?.value ?? bytes(''))).toBe('from a peer');
  });

  it('answers a command it cannot decode as an invalid request, and writes nothing', async () => {
    const target = cluster.runningIds[0] as NodeId;
    const before = cluster.node(target).service.status().groups.map((group) => group.lastIndex);
    const answer = await call(target, { kind: 'execute', command: new Uint8Array([99, 1, 2, 3]) });
    expect(answer).toMatchObject({ kind: 'error', code: 'invalid_request' });
    expect(cluster.node(target).service.status().groups.map((group) => group.lastIndex)).toEqual(before);
  });

  it('fails a call whose body is not a peer request, and keeps serving', async () => {
    const target = cluster.runningIds[0] as NodeId;
    await expect(peer.call(target, new Uint8Array([0xff, 0x00, 0x13]), CALL_TIMEOUT_MS)).rejects.toBeInstanceOf(RemoteCallError);
    await expect(peer.call(target, encodePeerMessage({ kind: 'hello' } as unknown as PeerRequest), CALL_TIMEOUT_MS)).rejects.toBeInstanceOf(
      RemoteCallError,
    );
    const written = await cluster.node(target).service.execute({ op: 'put', key: bytes('still/serving'), value: bytes('yes') });
    expect(written.result.succeeded).toBe(true);
  });
});
