import { describe, expect, it } from 'vitest';
import { InvalidRequestError, NotLeaderError, ProposalDroppedError } from './errors.js';
import { TestCluster, bytes, conf } from './testing/test-cluster.js';
import { MessageType, Role, nodeId } from './types.js';

describe('leader transfer', () => {
  it('hands leadership to an up-to-date voter at once', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    const before = cluster.node(1).status().hardState.term;
    cluster.node(1).transferLeader(nodeId(2));
    cluster.stabilize();
    expect(cluster.node(2).status().softState.role).toBe(Role.LEADER);
    expect(cluster.node(2).status().hardState.term).toBe(before + 1);
    expect(cluster.delivered.some((m) => m.type === MessageType.VOTE && m.transfer === true)).toBe(true);
  });

  it('brings a lagging target up to date first', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.isolate(3);
    cluster.propose(1, 'a');
    cluster.heal();
    cluster.node(1).transferLeader(nodeId(3));
    cluster.stabilize();
    expect(cluster.node(3).status().softState.role).toBe(Role.LEADER);
    cluster.propose(3, 'b');
    cluster.heartbeat(3);
    expect(cluster.get(1).applied).toEqual(['a', 'b']);
  });

  it('refuses proposals while transferring and gives up after an election timeout', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    cluster.isolate(3);
    cluster.node(1).transferLeader(nodeId(3));
    cluster.stabilize();
    expect(() => cluster.node(1).propose(bytes('x'))).toThrow(ProposalDroppedError);
    expect(cluster.node(1).status().leadTransferee).toBe(3);
    cluster.tick(10, [1, 2]);
    expect(cluster.node(1).status().leadTransferee).toBe(0);
    cluster.propose(1, 'x');
    cluster.heartbeat(1);
    expect(cluster.get(2).applied).toEqual(['x']);
  });

  it('is for leaders and voters only', () => {
    const cluster = new TestCluster([1, 2, 3], { initial: conf([1, 2], [3]) });
    expect(() => cluster.node(2).transferLeader(nodeId(1))).toThrow(NotLeaderError);
    cluster.elect(1);
    expect(() => cluster.node(1).transferLeader(nodeId(3))).toThrow(InvalidRequestError);
    cluster.node(1).transferLeader(nodeId(1));
    cluster.stabilize();
    expect(cluster.node(1).status().softState.role).toBe(Role.LEADER);
  });
});
