import { describe, expect, it } from 'vitest';
import { applyConfChange, checkConfInvariants, confMembers, enterJoint, isJoint, leaveJoint } from './confchange.js';
import { ConfChangeError } from './errors.js';
import { conf } from './testing/test-cluster.js';
import type { ConfChangeSingle, ConfState } from './types.js';
import { ConfChangeKind, nodeId } from './types.js';

const add = (id: number): ConfChangeSingle => ({ kind: ConfChangeKind.ADD_VOTER, node: nodeId(id) });
const learner = (id: number): ConfChangeSingle => ({ kind: ConfChangeKind.ADD_LEARNER, node: nodeId(id) });
const remove = (id: number): ConfChangeSingle => ({ kind: ConfChangeKind.REMOVE_NODE, node: nodeId(id) });

const errorCode = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfChangeError) return error.code;
    throw error;
  }
  throw new Error('expected a ConfChangeError');
};

describe('enterJoint / leaveJoint', () => {
  it('adds a voter through C-old,new', () => {
    const base = conf([1, 2, 3]);
    const joint = enterJoint(base, [add(4)]);
    expect(joint).toEqual({ voters: [1, 2, 3, 4], votersOutgoing: [1, 2, 3], learners: [], learnersNext: [] });
    expect(isJoint(joint)).toBe(true);
    expect(leaveJoint(joint)).toEqual(conf([1, 2, 3, 4]));
    // The input is never edited.
    expect(base).toEqual(conf([1, 2, 3]));
  });

  it('replaces a voter in one change', () => {
    const joint = enterJoint(conf([1, 2, 3]), [remove(1), add(4)]);
    expect(joint.voters).toEqual([2, 3, 4]);
    expect(joint.votersOutgoing).toEqual([1, 2, 3]);
    expect(leaveJoint(joint)).toEqual(conf([2, 3, 4]));
  });

  it('promotes a learner and demotes a voter', () => {
    const joint = enterJoint(conf([1, 2, 3], [4]), [add(4), learner(1)]);
    expect(joint).toEqual({ voters: [2, 3, 4], votersOutgoing: [1, 2, 3], learners: [], learnersNext: [1] });
    expect(leaveJoint(joint)).toEqual(conf([2, 3, 4], [1]));
  });

  it('adds and removes learners', () => {
    const joint = enterJoint(conf([1], [2]), [learner(3), remove(2)]);
    expect(leaveJoint(joint)).toEqual(conf([1], [3]));
    expect(confMembers(joint)).toEqual([1, 3]);
  });

  it('refuses invalid changes precisely', () => {
    const base = conf([1, 2, 3], [4]);
    expect(errorCode(() => enterJoint(base, []))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(base, [add(1)]))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(base, [learner(4)]))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(base, [remove(9)]))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(base, [add(5), remove(5)]))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(conf([1]), [remove(1)]))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(base, [add(0)]))).toBe('invalid-conf-change');
    expect(errorCode(() => enterJoint(base, [{ kind: 9 as ConfChangeSingle['kind'], node: nodeId(5) }]))).toBe('invalid-conf-change');
    expect(errorCode(() => leaveJoint(base))).toBe('invalid-conf-change');
  });

  it('refuses a new change while joint as pending', () => {
    const joint = enterJoint(conf([1, 2, 3]), [add(4)]);
    expect(errorCode(() => enterJoint(joint, [add(5)]))).toBe('conf-change-pending');
  });
});

describe('applyConfChange', () => {
  it('dispatches on leaveJoint', () => {
    const joint = applyConfChange(conf([1]), { changes: [add(2)] });
    expect(applyConfChange(joint, { changes: [], leaveJoint: true })).toEqual(conf([1, 2]));
    expect(errorCode(() => applyConfChange(joint, { changes: [add(3)], leaveJoint: true }))).toBe('invalid-conf-change');
  });
});

describe('checkConfInvariants', () => {
  const broken: [string, ConfState][] = [
    ['duplicate voters', { ...conf([1, 1]) }],
    ['learner that votes', conf([1, 2], [2])],
    ['next learner not outgoing', { voters: [nodeId(1)], votersOutgoing: [nodeId(1)], learners: [], learnersNext: [nodeId(2)] }],
  ];
  for (const [name, state] of broken) {
    it(`rejects ${name}`, () => expect(errorCode(() => checkConfInvariants(state))).toBe('invalid-conf-change'));
  }
});
