import { describe, expect, it } from 'vitest';
import { InvalidRequestError, ReadIndexDroppedError } from './errors.js';
import { ReadOnly } from './read-only.js';
import { TestCluster, bytes, text } from './testing/test-cluster.js';
import { MessageType, nodeId } from './types.js';

const contexts = (cluster: TestCluster, id: number): string[] => cluster.get(id).readStates.map((rs) => text(rs.context));

describe('ReadIndex', () => {
  it('answers a read on the leader after one heartbeat round', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.propose(1, 'a');
    cluster.node(1).readIndex(bytes('r1'));
    cluster.stabilize();
    expect(cluster.get(1).readStates).toEqual([{ index: cluster.node(1).status().hardState.commit, context: bytes('r1') }]);
  });

  it('releases every queued read when a quorum acknowledges the newest context', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.drop((m) => m.type === MessageType.HEARTBEAT_RESP && text(m.context ?? new Uint8Array()) !== 'r3');
    for (const context of ['r1', 'r2', 'r3']) cluster.node(1).readIndex(bytes(context));
    cluster.stabilize();
    expect(contexts(cluster, 1)).toEqual(['r1', 'r2', 'r3']);
  });

  it('defers reads until the new leader commits its NO_OP', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.drop((m) => m.type === MessageType.APP_RESP);
    cluster.elect(1);
    cluster.node(1).readIndex(bytes('early'));
    cluster.stabilize();
    cluster.tick(2);
    expect(contexts(cluster, 1)).toEqual([]);
    cluster.heal();
    cluster.tick(3);
    expect(contexts(cluster, 1)).toEqual(['early']);
    expect(cluster.get(1).readStates[0]?.index).toBe(cluster.node(1).status().hardState.commit);
  });

  it('forwards a follower read to the leader and surfaces the answer on the follower', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.node(2).readIndex(bytes('f'));
    cluster.stabilize();
    expect(contexts(cluster, 2)).toEqual(['f']);
    expect(cluster.delivered.some((m) => m.type === MessageType.READ_INDEX_RESP && m.to === 2)).toBe(true);
  });

  it('answers at once on a single voter, refuses without a leader or context', () => {
    const solo = new TestCluster([1]);
    solo.elect(1);
    solo.node(1).readIndex(bytes('s'));
    solo.stabilize();
    expect(contexts(solo, 1)).toEqual(['s']);
    const cluster = new TestCluster([1, 2, 3]);
    expect(() => cluster.node(2).readIndex(bytes('x'))).toThrow(ReadIndexDroppedError);
    cluster.elect(1);
    expect(() => cluster.node(1).readIndex(new Uint8Array())).toThrow(InvalidRequestError);
    cluster.node(3).campaign();
    expect(() => cluster.node(3).readIndex(bytes('x'))).toThrow(ReadIndexDroppedError);
  });

  it('bounds the leader queue', () => {
    const cluster = new TestCluster([1, 2, 3], { config: { maxPendingReadIndexRequests: 2 } });
    cluster.elect(1);
    cluster.isolate(1);
    cluster.node(1).readIndex(bytes('1'));
    cluster.node(1).readIndex(bytes('2'));
    expect(() => cluster.node(1).readIndex(bytes('3'))).toThrow(ReadIndexDroppedError);
  });
});

describe('ReadOnly', () => {
  it('queues a context once and ignores unknown acknowledgements', () => {
    const queue = new ReadOnly(10);
    queue.add(5, nodeId(1), bytes('a'));
    queue.add(6, nodeId(1), bytes('a'));
    expect(queue.size).toBe(1);
    expect(queue.recvAck(nodeId(2), bytes('zz'))).toBeUndefined();
    expect(queue.release(bytes('zz'))).toEqual([]);
    expect(queue.release(bytes('a')).map((read) => read.index)).toEqual([5]);
    expect(queue.lastContext()).toBeUndefined();
  });
});
