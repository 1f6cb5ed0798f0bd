import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyConfChange, groupId, isJoint, leaveJoint, nodeId } from '@flotilla/raft';
import type { ConfState, GroupId, NodeId } from '@flotilla/raft';
import type { NodeState } from './cluster-map.js';
import { nodeStateChanges } from './liveness.js';
import { nextStep } from './operator-step.js';
import type { Operator } from './operator.js';
import { PlacementState } from './placement-state.js';
import { schedule } from './scheduler.js';
import type { SchedulerSettings } from './scheduler.js';

const n = nodeId;
const SETTINGS: SchedulerSettings = { replicas: 3, maxInflightOperators: 4 };

/** A cluster as the PD sees it, and a stand-in for the shard leaders that carry operators out. */
class Harness {
  readonly state = new PlacementState();
  readonly leaders = new Map<GroupId, NodeId>();
  operatorsStarted = 0;

  constructor(nodeCount: number, shardCount: number, placeOn: (shard: number) => number[]) {
    for (let i = 1; i <= nodeCount; i++) this.ok(this.state.apply({ op: 'register-node', requestedId: 0, peerAddress: `10.0.0.${i}:7101`, clientUrl: `http://10.0.0.${i}:7001` }));
    const size = (1n << 64n) / BigInt(shardCount);
    for (let s = 0; s < shardCount; s++) {
      const voters = placeOn(s).map(n);
      const end = s === shardCount - 1 ? 1n << 64n : size * BigInt(s + 1);
      this.ok(this.state.apply({ op: 'create-shard', range: { start: size * BigInt(s), end }, voters }));
      this.leaders.set(groupId(s + 1), voters[0] as NodeId);
    }
  }

  ok(result: { kind: string }): void {
    if (result.kind === 'refused') throw new Error(`refused: ${JSON.stringify(result)}`);
  }

  setState(node: number, state: NodeState): void {
    this.ok(this.state.apply({ op: 'set-node-state', node: n(node), state }));
  }

  /** Carries an operator out to its end, as the shard's leader would, reporting every step. */
  carryOut(operator: Operator): void {
    const shard = this.state.shards.get(operator.shard);
    if (shard === undefined) throw new Error('no shard');
    let conf: ConfState = shard.conf;
    let confVersion = shard.epoch.confVersion;
    for (let i = 0; i < 10; i++) {
      const leader = this.leaders.get(operator.shard) as NodeId;
      const step = nextStep(operator, { conf, leader, caughtUp: () => true });
      if (step.kind === 'impossible') throw new Error(`operator ${JSON.stringify(operator)} impossible: ${step.why}`);
      if (step.kind === 'done') break;
      if (step.kind === 'transfer-leader') this.leaders.set(operator.shard, step.to);
      if (step.kind === 'conf-change') {
        conf = applyConfChange(conf, step.change);
        if (isJoint(conf)) conf = leaveJoint(conf);
        confVersion++;
        if (!conf.voters.includes(leader)) this.leaders.set(operator.shard, conf.voters[0] as NodeId);
        this.ok(this.state.apply({ op: 'report-shard', shard: operator.shard, epoch: { confVersion, rangeVersion: shard.epoch.rangeVersion }, conf }));
      }
    }
    this.ok(this.state.apply({ op: 'end-operator', shard: operator.shard, operatorId: operator.id, outcome: 'done' }));
  }

  /** Schedules and carries out until the scheduler has nothing more to do. */
  settle(settings: SchedulerSettings = SETTINGS): number {
    for (let round = 0; round < 500; round++) {
      const drafts = schedule({ map: this.state, shardLeaders: this.leaders, nodeBytes: new Map() }, settings);
      if (drafts.length === 0) return round;
      expect(drafts.length).toBeLessThanOrEqual(settings.maxInflightOperators);
      const started: Operator[] = [];
      for (const draft of drafts) {
        const result = this.state.apply({ op: 'start-operator', draft });
        if (result.kind !== 'operator-started') throw new Error(`scheduler drafted an operator the map refuses: ${JSON.stringify(result)}`);
        started.push(result.operator);
      }
      this.operatorsStarted += started.length;
      for (const operator of started) this.carryOut(operator);
    }
    throw new Error('the scheduler did not settle in 500 rounds');
  }

  upNodes(): NodeId[] {
    return [...this.state.nodes.values()].filter((node) => node.state === 'up').map((node) => node.id);
  }

  counts(of: (node: NodeId) => number): number[] {
    return this.upNodes().map(of);
  }

  replicasOn(node: NodeId): number {
    return [...this.state.shards.values()].filter((shard) => shard.conf.voters.includes(node)).length;
  }

  leadersOn(node: NodeId): number {
    return [...this.leaders.values()].filter((leader) => leader === node).length;
  }
}

const spread = (counts: readonly number[]): number => Math.max(...counts) - Math.min(...counts);

describe('the scheduler', () => {
  it('spreads 24 shards from 3 nodes over 6, replicas and leaders within one of each other', () => {
    const harness = new Harness(6, 24, () => [1, 2, 3]);
    harness.settle();
    expect(harness.counts((node) => harness.replicasOn(node))).toEqual([12, 12, 12, 12, 12, 12]);
    expect(spread(harness.counts((node) => harness.leadersOn(node)))).toBeLessThanOrEqual(1);
    // 36 of the 72 replicas had to move; nothing moved twice.
    expect(harness.operatorsStarted).toBeGreaterThanOrEqual(36);
  });

  it('re-creates the replicas of a down node elsewhere, and empties a draining node so it can be removed', () => {
    const harness = new Harness(5, 10, (shard) => [1, 2, 3, 4, 5].filter((_, i) => (i + shard) % 5 < 3));
    harness.settle();
    harness.setState(2, 'down');
    harness.setState(4, 'draining');
    harness.settle();
    for (const shard of harness.state.shards.values()) {
      expect(shard.conf.voters).toHaveLength(3);
      expect(shard.conf.voters).not.toContain(n(2));
      expect(shard.conf.voters).not.toContain(n(4));
    }
    const lastHeardMs = (node: NodeId): number => (node === n(2) ? -5_000 : 0);
    expect(nodeStateChanges(harness.state, lastHeardMs, 1, 1_000)).toEqual([{ node: n(4), state: 'removed' }]);
  });

  it('tops shards up to the target and trims them down to it', () => {
    const harness = new Harness(5, 4, (shard) => (shard % 2 === 0 ? [1] : [1, 2, 3, 4, 5]));
    harness.settle();
    for (const shard of harness.state.shards.values()) expect(shard.conf.voters).toHaveLength(3);
  });

  it('never starts more operators than its budget, counting those in flight', () => {
    const harness = new Harness(6, 12, () => [1, 2, 3]);
    const drafts = schedule({ map: harness.state, shardLeaders: harness.leaders, nodeBytes: new Map() }, { replicas: 3, maxInflightOperators: 2 });
    expect(drafts).toHaveLength(2);
    harness.ok(harness.state.apply({ op: 'start-operator', draft: drafts[0]! }));
    expect(schedule({ map: harness.state, shardLeaders: harness.leaders, nodeBytes: new Map() }, { replicas: 3, maxInflightOperators: 2 })).toHaveLength(1);
  });

  it('settles any cluster: three voters per shard on distinct up nodes, replica counts within one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 8 }),
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.constantFrom<NodeState>('up', 'up', 'up', 'down', 'draining'), { minLength: 8, maxLength: 8 }),
        fc.integer({ min: 1, max: 6 }),
        (nodeCount, shardCount, states, budget) => {
          const harness = new Harness(nodeCount, shardCount, (shard) => [0, 1, 2].map((i) => ((shard + i) % nodeCount) + 1));
          for (let node = 1; node <= nodeCount; node++) {
            if (states[node - 1] !== 'up') harness.setState(node, states[node - 1] as NodeState);
          }
          fc.pre(harness.upNodes().length >= 3);
          harness.settle({ replicas: 3, maxInflightOperators: budget });
          const up = new Set(harness.upNodes());
          for (const shard of harness.state.shards.values()) {
            expect(new Set(shard.conf.voters).size).toBe(3);
            for (const voter of shard.conf.voters) expect(up.has(voter)).toBe(true);
          }
          expect(spread(harness.counts((node) => harness.replicasOn(node)))).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 200, seed: 20261204 },
    );
  });
});

describe('node liveness', () => {
  it('marks a silent up node down, a down node heard again up, an emptied draining node removed', () => {
    const harness = new Harness(4, 1, () => [1, 2, 3]);
    harness.setState(3, 'down');
    harness.setState(4, 'draining');
    const heardAtMs = new Map([1, 2, 3, 4].map((node, i) => [n(node), [9_000, 1_000, 9_500, 9_900][i] as number]));
    const lastHeardMs = (node: NodeId): number => heardAtMs.get(node) ?? 0;
    expect(nodeStateChanges(harness.state, lastHeardMs, 10_000, 5_000)).toEqual([
      { node: n(2), state: 'down' },
      { node: n(3), state: 'up' },
      { node: n(4), state: 'removed' },
    ]);
  });
});
