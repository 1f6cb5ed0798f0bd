import { groupId, MessageType, nodeId, Xoshiro128 } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import { CallTimeoutError, FrameTooLargeError, MemoryTransport, PeerUnreachableError } from '@flotilla/transport';
import type { OutgoingFrame } from '@flotilla/transport';
import { describeTransportConformance } from '@flotilla/transport/testing';
import { describe, expect, it } from 'vitest';
import { RELIABLE_NETWORK, SimNetwork } from './sim-network.js';
import type { NetworkProfile } from './sim-network.js';

/** Advances the network one step per turn of the event loop, so that awaiting tests see it move. */
function pumpSteps(network: SimNetwork): () => void {
  let pumping = true;
  const turn = (): void => {
    if (!pumping) return;
    network.advance();
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    pumping = false;
  };
}

// MemoryTransport over the simulated network, frames as objects. The reliable profile: a frame
// arrives one step later, a down link is always noticed. With a step a millisecond, the
// suite's deadlines become step counts.
describeTransportConformance('simulated network', async ({ nodeCount, limits }) => {
  const network = new SimNetwork(new Xoshiro128(1), RELIABLE_NETWORK, 1);
  const deadPeer = nodeId(99);
  const ids = Array.from({ length: nodeCount }, (_, i) => nodeId(i + 1));
  const transports = ids.map(
    (self) => new MemoryTransport(network, { self, peers: [...ids.filter((id) => id !== self), deadPeer], ...(limits === undefined ? {} : { limits }) }),
  );
  await Promise.all(transports.map((transport) => transport.start()));
  const stopPump = pumpSteps(network);
  return {
    transports,
    deadPeer,
    stop: async () => {
      stopPump();
      await Promise.all(transports.map((transport) => transport.close()));
    },
  };
});

const heartbeat = (from: number, to: number, term: number): Message => ({
  type: MessageType.HEARTBEAT,
  group: groupId(1),
  from: nodeId(from),
  to: nodeId(to),
  term,
  commit: 0,
});

/** Three started transports on one network, each recording the terms of what it receives. */
async function threeNodes(profile: NetworkProfile, seed: number): Promise<{ network: SimNetwork; nodes: MemoryTransport<OutgoingFrame>[]; terms: Map<NodeId, number[]>; unreachable: NodeId[] }> {
  const network = new SimNetwork(new Xoshiro128(seed), profile);
  const ids = [nodeId(1), nodeId(2), nodeId(3)];
  const terms = new Map<NodeId, number[]>();
  const unreachable: NodeId[] = [];
  const nodes = ids.map((self) => {
    const transport = new MemoryTransport(network, { self, peers: ids.filter((id) => id !== self) });
    const received: number[] = [];
    terms.set(self, received);
    transport.onRaft((_from, messages) => received.push(...messages.map((message) => message.term)));
    transport.onUnreachable((peer) => unreachable.push(peer));
    return transport;
  });
  await Promise.all(nodes.map((node) => node.start()));
  return { network, nodes, terms, unreachable };
}

const at = <T>(items: readonly T[], index: number): T => {
  const item = items[index];
  if (item === undefined) throw new Error(`nothing at ${index}`);
  return item;
};

describe('SimNetwork under the transports', () => {
  it('delivers after the latency, in send order among frames due together', async () => {
    const { network, nodes, terms } = await threeNodes(RELIABLE_NETWORK, 1);
    at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 1)]);
    at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 2), heartbeat(1, 2, 3)]);
    expect(terms.get(nodeId(2))).toEqual([]);
    network.advance();
    expect(terms.get(nodeId(2))).toEqual([1, 2, 3]);
    expect(network.inflightCount).toBe(0);
  });

  it('reorders frames with random latency and duplicates some', async () => {
    const seed = 2;
    const { network, nodes, terms } = await threeNodes({ ...RELIABLE_NETWORK, latencyMaxSteps: 10, duplicateProbability: 0.5 }, seed);
    for (let term = 1; term <= 50; term++) at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, term)]);
    for (let step = 0; step < 10; step++) network.advance();
    const received = terms.get(nodeId(2)) ?? [];
    expect(received.length, `seed ${seed}`).toBeGreaterThan(50);
    expect(received, `seed ${seed}`).not.toEqual([...received].sort((a, b) => a - b));
  });

  it('drops on cut links, one-way and symmetric, also frames already in flight', async () => {
    const { network, nodes, terms } = await threeNodes(RELIABLE_NETWORK, 3);
    at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 1)]);
    network.links.cutOneWay(nodeId(1), nodeId(2));
    at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 2)]);
    at(nodes, 1).sendRaft(nodeId(1), [heartbeat(2, 1, 3)]);
    network.advance();
    expect(terms.get(nodeId(2))).toEqual([]);
    expect(terms.get(nodeId(1))).toEqual([3]);
    network.links.healAll();
    network.links.isolate(nodeId(3), [nodeId(1), nodeId(2), nodeId(3)]);
    at(nodes, 2).sendRaft(nodeId(1), [heartbeat(3, 1, 4)]);
    at(nodes, 1).sendRaft(nodeId(3), [heartbeat(2, 3, 5)]);
    network.advance();
    expect(terms.get(nodeId(3))).toEqual([]);
    expect(network.counters.dropped).toBe(4);
    expect(at(nodes, 0).counters(nodeId(2)).messagesDropped).toBe(1);
  });

  it('lets a scripted intercept alter and drop messages in flight; a frame it empties is lost unnoticed', async () => {
    const { network, nodes, terms, unreachable } = await threeNodes(RELIABLE_NETWORK, 9);
    network.intercept = (message) => (message.term === 1 ? undefined : { ...message, term: message.term * 10 });
    at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 1), heartbeat(1, 2, 2)]);
    at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 1)]);
    network.advance();
    await Promise.resolve();
    expect(terms.get(nodeId(2))).toEqual([20]);
    expect(network.counters).toMatchObject({ sent: 3, delivered: 1, dropped: 2 });
    expect(at(nodes, 0).counters(nodeId(2))).toMatchObject({ framesSent: 2, messagesDropped: 0 });
    expect(unreachable).toEqual([]);
  });

  it('reports a down link when the profile says the sender notices, and loses frames silently otherwise', async () => {
    for (const [probability, reports] of [
      [1, [nodeId(2)]],
      [0, []],
    ] as const) {
      const { network, nodes, unreachable } = await threeNodes({ ...RELIABLE_NETWORK, reportUnreachableProbability: probability }, 4);
      network.links.cutOneWay(nodeId(1), nodeId(2));
      at(nodes, 0).sendRaft(nodeId(2), [heartbeat(1, 2, 1)]);
      await Promise.resolve();
      expect(unreachable).toEqual(reports);
    }
  });

  it('tells peers that notice when a node leaves, failing their calls to it', async () => {
    const { nodes, unreachable } = await threeNodes(RELIABLE_NETWORK, 5);
    at(nodes, 1).onCall(() => new Promise<Uint8Array>(() => {}));
    const pending = at(nodes, 0).call(nodeId(2), Uint8Array.of(1), 1000);
    await at(nodes, 1).close();
    await expect(pending).rejects.toBeInstanceOf(PeerUnreachableError);
    expect(unreachable).toEqual([nodeId(2), nodeId(2)]);
  });

  it('frees a queue slot when its frame leaves the wire, delivered or lost', async () => {
    const network = new SimNetwork(new Xoshiro128(7), RELIABLE_NETWORK);
    const a = new MemoryTransport(network, { self: nodeId(1), peers: [nodeId(2)], limits: { maxQueuedMessages: 1 } });
    const b = new MemoryTransport(network, { self: nodeId(2), peers: [nodeId(1)] });
    await Promise.all([a.start(), b.start()]);
    a.sendRaft(nodeId(2), [heartbeat(1, 2, 1)]);
    a.sendRaft(nodeId(2), [heartbeat(1, 2, 2)]);
    expect(a.counters(nodeId(2)).messagesDropped).toBe(1);
    network.links.cutOneWay(nodeId(1), nodeId(2));
    network.advance();
    network.links.healAll();
    a.sendRaft(nodeId(2), [heartbeat(1, 2, 3)]);
    expect(a.counters(nodeId(2)).messagesDropped).toBe(1);
  });

  it('splits a batch that outgrows a frame, and refuses a single message that cannot fit one', async () => {
    const network = new SimNetwork(new Xoshiro128(8), RELIABLE_NETWORK);
    const a = new MemoryTransport(network, { self: nodeId(1), peers: [nodeId(2)], limits: { maxFrameBytes: 50 } });
    const b = new MemoryTransport(network, { self: nodeId(2), peers: [nodeId(1)] });
    await Promise.all([a.start(), b.start()]);
    const batches: number[] = [];
    b.onRaft((_from, messages) => batches.push(messages.length));
    a.sendRaft(nodeId(2), [1, 2, 3, 4, 5].map((term) => heartbeat(1, 2, term)));
    network.advance();
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.reduce((total, count) => total + count, 0)).toBe(5);
    const huge: Message = { ...heartbeat(1, 2, 6), context: new Uint8Array(200) };
    expect(() => a.sendRaft(nodeId(2), [huge])).toThrow(FrameTooLargeError);
  });

  it('runs call deadlines on steps, at the configured milliseconds per step', async () => {
    const network = new SimNetwork(new Xoshiro128(6), RELIABLE_NETWORK, 10);
    const [a, b] = [nodeId(1), nodeId(2)].map((self) => new MemoryTransport(network, { self, peers: [self === 1 ? nodeId(2) : nodeId(1)] }));
    if (a === undefined || b === undefined) throw new Error('two transports expected');
    await Promise.all([a.start(), b.start()]);
    b.onCall(() => new Promise<Uint8Array>(() => {}));
    let outcome: unknown;
    a.call(nodeId(2), Uint8Array.of(1), 25).catch((error: unknown) => (outcome = error));
    const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    for (let step = 0; step < 2; step++) network.advance();
    await settle();
    expect(outcome).toBeUndefined();
    network.advance();
    await settle();
    expect(outcome).toBeInstanceOf(CallTimeoutError);
  });
});
