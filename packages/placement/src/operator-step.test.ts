import { describe, expect, it } from 'vitest';
import { applyConfChange, isJoint, leaveJoint, nodeId } from '@flotilla/raft';
import type { ConfState, NodeId } from '@flotilla/raft';
import type { OperatorPlan } from './operator.js';
import { nextStep } from './operator-step.js';
import type { OperatorStep } from './operator-step.js';

const n = nodeId;
const conf = (voters: number[], learners: number[] = []): ConfState => ({ voters: voters.map(n), votersOutgoing: [], learners: learners.map(n), learnersNext: [] });
const majority = (voters: readonly NodeId[]): number => Math.floor(voters.length / 2) + 1;

/**
 * Carries a plan out as a shard leader would: each conf change applied (a joint one left by the
 * leader right after), a transfer obeyed, learners caught up on the second ask. Records every
 * configuration on the way.
 */
function carryOut(plan: OperatorPlan, start: ConfState, leader: NodeId): { steps: OperatorStep['kind'][]; confs: ConfState[]; leader: NodeId } {
  let current = start;
  let currentLeader = leader;
  const asked = new Set<NodeId>();
  const steps: OperatorStep['kind'][] = [];
  const confs = [current];
  for (let i = 0; i < 20; i++) {
    const step = nextStep(plan, {
      conf: current,
      leader: currentLeader,
      caughtUp: (learner) => {
        const first = !asked.has(learner);
        asked.add(learner);
        return !first;
      },
    });
    steps.push(step.kind);
    if (step.kind === 'done' || step.kind === 'impossible') return { steps, confs, leader: currentLeader };
    if (step.kind === 'transfer-leader') currentLeader = step.to;
    if (step.kind === 'conf-change') {
      current = applyConfChange(current, step.change);
      confs.push(current);
      if (isJoint(current)) {
        // Asked while joint, the operator waits for the leader to leave.
        expect(nextStep(plan, { conf: current, leader: currentLeader, caughtUp: () => true }).kind).toBe('wait-joint');
        current = leaveJoint(current);
        confs.push(current);
      }
      if (!current.voters.includes(currentLeader)) currentLeader = current.voters[0] as NodeId;
    }
  }
  throw new Error(`plan ${JSON.stringify(plan)} did not finish`);
}

describe('operator steps', () => {
  it('adds a replica as a learner, waits for it, then promotes it', () => {
    const run = carryOut({ kind: 'add-replica', to: n(4) }, conf([1, 2, 3]), n(1));
    expect(run.steps).toEqual(['conf-change', 'wait-catch-up', 'conf-change', 'done']);
    expect(run.confs.at(-1)).toEqual(conf([1, 2, 3, 4]));
  });

  it('moves a replica with one joint change, never below three voters, the leader handed over first', () => {
    const run = carryOut({ kind: 'move-replica', from: n(1), to: n(4) }, conf([1, 2, 3]), n(1));
    expect(run.steps).toEqual(['conf-change', 'wait-catch-up', 'transfer-leader', 'conf-change', 'done']);
    expect(run.confs.at(-1)).toEqual(conf([2, 3, 4]));
    for (const each of run.confs) expect(each.voters.length).toBeGreaterThanOrEqual(3);
    // The joint configuration needed both majorities: old {1,2,3} and new {2,3,4}.
    const joint = run.confs.find((each) => isJoint(each) && each.voters.includes(n(4)));
    expect(joint?.votersOutgoing).toEqual([1, 2, 3].map(n));
    expect(joint?.voters).toEqual([2, 3, 4].map(n));
    expect(run.leader).not.toBe(n(1));
  });

  it('removes a replica, handing over the leadership first when it leads', () => {
    const run = carryOut({ kind: 'remove-replica', from: n(2) }, conf([1, 2, 3, 4]), n(2));
    expect(run.steps).toEqual(['transfer-leader', 'conf-change', 'done']);
    expect(run.confs.at(-1)).toEqual(conf([1, 3, 4]));
  });

  it('transfers a leadership, and only to a voter', () => {
    expect(carryOut({ kind: 'transfer-leader', to: n(3) }, conf([1, 2, 3]), n(1)).steps).toEqual(['transfer-leader', 'done']);
    expect(nextStep({ kind: 'transfer-leader', to: n(4) }, { conf: conf([1, 2, 3], [4]), leader: n(1), caughtUp: () => true }).kind).toBe('impossible');
  });

  it('picks up where it stopped: every step is derived from the configuration alone', () => {
    const plan: OperatorPlan = { kind: 'move-replica', from: n(1), to: n(4) };
    const view = (c: ConfState) => ({ conf: c, leader: n(2), caughtUp: () => true });
    // After a crash between steps, asking again repeats nothing that already happened.
    expect(nextStep(plan, view(conf([1, 2, 3], [4])))).toMatchObject({ kind: 'conf-change', change: { changes: [{ node: 4 }, { node: 1 }] } });
    expect(nextStep(plan, view(conf([2, 3, 4]))).kind).toBe('done');
    expect(nextStep(plan, view(conf([1, 2, 3, 4]))).kind).toBe('conf-change');
    expect(nextStep(plan, view(conf([2, 3], [5]))).kind).toBe('impossible');
  });

  it("swaps one voter per move, so the old and the new voters share a majority of the old", () => {
    for (const [voters, from, to] of [
      [[1, 2, 3], 1, 4],
      [[1, 2, 3, 4, 5], 5, 6],
    ] as const) {
      const run = carryOut({ kind: 'move-replica', from: n(from), to: n(to) }, conf([...voters]), n(voters[1]));
      for (const each of run.confs.filter(isJoint)) {
        const shared = each.voters.filter((voter) => each.votersOutgoing.includes(voter));
        expect(shared.length).toBeGreaterThanOrEqual(majority(each.votersOutgoing));
      }
    }
  });
});
