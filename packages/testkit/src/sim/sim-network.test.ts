import { groupId, MessageType, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '../random/xoshiro128.js';
import { RELIABLE_NETWORK, SimNetwork } from './sim-network.js';

const message = (from: number, to: number, term = 1): Message => ({
  type: MessageType.HEARTBEAT,
  group: groupId(1),
  from: nodeId(from),
  to: nodeId(to),
  term,
});

describe('SimNetwork', () => {
  it('delivers after the latency, in send order among equals', () => {
    const network = new SimNetwork(new Xoshiro128(1), RELIABLE_NETWORK);
    network.send(message(1, 2, 1), 0);
    network.send(message(1, 2, 2), 0);
    expect(network.takeDue(0)).toEqual([]);
    expect(network.takeDue(1).map((m) => m.term)).toEqual([1, 2]);
    expect(network.inflightCount).toBe(0);
  });

  it('reorders messages with random latency and duplicates some', () => {
    const network = new SimNetwork(new Xoshiro128(2), { ...RELIABLE_NETWORK, latencyMaxSteps: 10, duplicateProbability: 0.5 });
    for (let term = 1; term <= 50; term++) network.send(message(1, 2, term), 0);
    const terms = network.takeDue(10).map((m) => m.term);
    expect(terms.length).toBeGreaterThan(50);
    expect(terms).not.toEqual([...terms].sort((a, b) => a - b));
  });

  it('drops on cut links, one-way and symmetric, also for messages already in flight', () => {
    const network = new SimNetwork(new Xoshiro128(3), RELIABLE_NETWORK);
    network.send(message(1, 2), 0);
    network.links.cutOneWay(nodeId(1), nodeId(2));
    expect(network.send(message(1, 2), 0)).toBe(false);
    expect(network.send(message(2, 1), 0)).toBe(true);
    expect(network.takeDue(1).map((m) => m.from)).toEqual([2]);
    network.links.healAll();
    network.links.isolate(nodeId(3), [nodeId(1), nodeId(2), nodeId(3)]);
    expect(network.send(message(3, 1), 1)).toBe(false);
    expect(network.send(message(2, 3), 1)).toBe(false);
    expect(network.counters.dropped).toBe(4);
  });

  it('bounds what is in flight', () => {
    const network = new SimNetwork(new Xoshiro128(4), { ...RELIABLE_NETWORK, maxInflightMessages: 3 });
    for (let i = 0; i < 5; i++) network.send(message(1, 2), 0);
    expect(network.inflightCount).toBe(3);
  });
});
