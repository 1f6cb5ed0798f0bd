import { describe, expect, it } from 'vitest';
import { MessageType, Xoshiro128, groupId, nodeId } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import { describeTransportConformance } from './testing/conformance.js';
import { PeerUnreachableError } from './errors.js';
import { MemoryHub } from './memory-hub.js';
import { MemoryTransport } from './memory-transport.js';
import type { Scheduler } from './scheduler.js';

describeTransportConformance('MemoryTransport', ({ nodeCount, limits }) => {
  const hub = new MemoryHub();
  const deadPeer = nodeId(99);
  const ids = Array.from({ length: nodeCount }, (_, i) => nodeId(i + 1));
  const transports = ids.map(
    (self) => new MemoryTransport(hub, { self, peers: [...ids.filter((id) => id !== self), deadPeer], ...(limits === undefined ? {} : { limits }) }),
  );
  return Promise.all(transports.map((transport) => transport.start())).then(() => ({
    transports,
    deadPeer,
    stop: async () => {
      await Promise.all(transports.map((transport) => transport.close()));
    },
  }));
});

/** Runs timers only when told to, so fault tests step through deliveries exactly. */
class ManualScheduler implements Scheduler {
  private nowMs = 0;
  private timers: { atMs: number; sequence: number; run: () => void }[] = [];
  private sequence = 0;

  after(delayMs: number, run: () => void): () => void {
    const timer = { atMs: this.nowMs + delayMs, sequence: this.sequence++, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  advance(byMs: number): void {
    const untilMs = this.nowMs + byMs;
    for (;;) {
      const due = this.timers.filter((timer) => timer.atMs <= untilMs).sort((x, y) => x.atMs - y.atMs || x.sequence - y.sequence)[0];
      if (due === undefined) {
        break;
      }
      this.timers = this.timers.filter((timer) => timer !== due);
      this.nowMs = due.atMs;
      due.run();
    }
    this.nowMs = untilMs;
  }
}

const heartbeat = (from: NodeId, to: NodeId, group: number): Message => ({ type: MessageType.HEARTBEAT, group: groupId(group), from, to, term: 1, commit: 0 });

const threeNodes = async (hub: MemoryHub): Promise<{ nodes: MemoryTransport[]; received: Map<NodeId, number[]> }> => {
  const ids = [nodeId(1), nodeId(2), nodeId(3)];
  const received = new Map<NodeId, number[]>();
  const nodes = ids.map((self) => {
    const transport = new MemoryTransport(hub, { self, peers: ids.filter((id) => id !== self) });
    received.set(self, []);
    transport.onRaft((_from, messages) => received.get(self)?.push(...messages.map((message) => message.group)));
    return transport;
  });
  await Promise.all(nodes.map((node) => node.start()));
  return { nodes, received };
};

describe('MemoryHub faults', () => {
  it('delays a link by the configured time', async () => {
    const scheduler = new ManualScheduler();
    const hub = new MemoryHub({ scheduler });
    const { nodes, received } = await threeNodes(hub);
    const [one] = nodes;
    hub.setLinkFaults(nodeId(1), nodeId(2), { delayMs: 100 });
    one?.sendRaft(nodeId(2), [heartbeat(nodeId(1), nodeId(2), 1)]);
    one?.sendRaft(nodeId(3), [heartbeat(nodeId(1), nodeId(3), 2)]);
    scheduler.advance(99);
    expect(received.get(nodeId(2))).toStrictEqual([]);
    expect(received.get(nodeId(3))).toStrictEqual([2]);
    scheduler.advance(1);
    expect(received.get(nodeId(2))).toStrictEqual([1]);
  });

  it('drops frames with the configured probability, replayably from a seed', async () => {
    const seed = 20240611;
    const runOnce = async (): Promise<number[]> => {
      const scheduler = new ManualScheduler();
      const random = new Xoshiro128(seed);
      const hub = new MemoryHub({ scheduler, random: () => random.float() });
      const { nodes, received } = await threeNodes(hub);
      hub.setLinkFaults(nodeId(1), nodeId(2), { dropProbability: 0.5 });
      for (let group = 1; group <= 200; group += 1) {
        nodes[0]?.sendRaft(nodeId(2), [heartbeat(nodeId(1), nodeId(2), group)]);
      }
      scheduler.advance(0);
      return received.get(nodeId(2)) ?? [];
    };
    const first = await runOnce();
    expect(first.length, `seed ${seed}`).toBeGreaterThan(0);
    expect(first.length, `seed ${seed}`).toBeLessThan(200);
    expect(await runOnce(), `seed ${seed}`).toStrictEqual(first);
  });

  it('partitions: no delivery across the cut, unreachable reported, calls fail; heal restores', async () => {
    const scheduler = new ManualScheduler();
    const hub = new MemoryHub({ scheduler });
    const { nodes, received } = await threeNodes(hub);
    const [one, two] = nodes;
    if (one === undefined || two === undefined) {
      throw new Error('three nodes expected');
    }
    two.onCall(() => new Promise<Uint8Array>(() => {}));
    const unreachable: NodeId[] = [];
    one.onUnreachable((peer) => unreachable.push(peer));
    const pending = one.call(nodeId(2), Uint8Array.of(1), 10_000);
    scheduler.advance(0);
    hub.partition([nodeId(1)], [nodeId(2), nodeId(3)]);
    await expect(pending).rejects.toBeInstanceOf(PeerUnreachableError);
    one.sendRaft(nodeId(2), [heartbeat(nodeId(1), nodeId(2), 1)]);
    scheduler.advance(0);
    await Promise.resolve();
    expect(received.get(nodeId(2))).toStrictEqual([]);
    expect(unreachable).toContain(nodeId(2));
    await expect(one.call(nodeId(3), Uint8Array.of(1), 10_000)).rejects.toBeInstanceOf(PeerUnreachableError);
    hub.heal();
    one.sendRaft(nodeId(2), [heartbeat(nodeId(1), nodeId(2), 2)]);
    scheduler.advance(0);
    expect(received.get(nodeId(2))).toStrictEqual([2]);
  });
});
