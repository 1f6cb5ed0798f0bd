import { nodeId } from '@flotilla/raft';
import type { ConfState } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';
import { quorumsIntersect, transitionProblems } from './conf-rules.js';

const ids = (...values: number[]) => values.map(nodeId);
const simple = (...voters: number[]): ConfState => ({ voters: ids(...voters), votersOutgoing: [], learners: [], learnersNext: [] });
const joint = (incoming: number[], outgoing: number[]): ConfState => ({
  voters: ids(...incoming),
  votersOutgoing: ids(...outgoing),
  learners: [],
  learnersNext: [],
});

describe('quorum intersection', () => {
  it('holds between a configuration and the joint one built from it, and the one after', () => {
    expect(quorumsIntersect(simple(1, 2, 3), joint([4, 5, 6], [1, 2, 3]))).toBe(true);
    expect(quorumsIntersect(joint([4, 5, 6], [1, 2, 3]), simple(4, 5, 6))).toBe(true);
  });

  it('fails between disjoint voter sets and between sets that differ by two voters', () => {
    expect(quorumsIntersect(simple(1, 2, 3), simple(4, 5, 6))).toBe(false);
    // {1,2} is a majority of {1,2,3}; {3,4,5} a majority of {1,2,3,4,5}.
    expect(quorumsIntersect(simple(1, 2, 3), simple(1, 2, 3, 4, 5))).toBe(false);
    expect(quorumsIntersect(simple(1, 2, 3), simple(1, 2, 3, 4))).toBe(true);
  });
});

describe('membership transitions', () => {
  it('accepts entering and leaving joint consensus', () => {
    expect(transitionProblems(simple(1, 2, 3), joint([1, 2, 4], [1, 2, 3]))).toEqual([]);
    expect(transitionProblems(joint([1, 2, 4], [1, 2, 3]), simple(1, 2, 4))).toEqual([]);
  });

  it('refuses to skip joint consensus, to change a joint configuration, or to forget the old voters', () => {
    expect(transitionProblems(simple(1, 2, 3), simple(4, 5, 6)).join()).toMatch(/moved 6 voters.*disjoint quorums/);
    expect(transitionProblems(joint([1, 2, 4], [1, 2, 3]), joint([1, 2, 5], [1, 2, 3]))).toContain(
      'joint configuration changed without leaving it first',
    );
    expect(transitionProblems(simple(1, 2, 3), joint([1, 2, 4], [1, 2, 5]))).toContain(
      'entering joint: outgoing voters are not the old voters',
    );
    expect(transitionProblems(joint([1, 2, 4], [1, 2, 3]), simple(1, 2, 3))).toContain(
      'leaving joint: voters are not the incoming voters',
    );
  });

  it('refuses malformed configurations', () => {
    const learnerVoter: ConfState = { voters: ids(1, 2), votersOutgoing: [], learners: ids(2), learnersNext: [] };
    expect(transitionProblems(simple(1, 2), learnerVoter)).toContain('a learner is also a voter');
    expect(transitionProblems(simple(1), simple())).toContain('no voters');
  });
});
