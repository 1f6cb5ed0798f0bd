import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VoteResult, jointCommitIndex, jointVoteResult, majorityCommitIndex, majoritySize, majorityVoteResult } from './quorum.js';
import type { NodeId } from './types.js';
import { nodeId } from './types.js';

const ids = (...values: number[]): NodeId[] => values.map(nodeId);
const lookup = <T>(table: Record<number, T>) => (id: NodeId): T | undefined => table[id];

/** Reference: the largest index that at least a majority has reached, by brute force. */
const bruteCommit = (matches: number[]): number => {
  const candidates = [0, ...matches];
  return Math.max(...candidates.filter((index) => matches.filter((m) => m >= index).length >= majoritySize(matches.length)));
};

describe('majorityCommitIndex', () => {
  it('takes the median-ish match of a majority', () => {
    expect(majorityCommitIndex(ids(1, 2, 3), lookup({ 1: 5, 2: 3, 3: 1 }))).toBe(3);
    expect(majorityCommitIndex(ids(1, 2, 3, 4), lookup({ 1: 5, 2: 3, 3: 1, 4: 9 }))).toBe(3);
    expect(majorityCommitIndex(ids(1), lookup({ 1: 7 }))).toBe(7);
  });

  it('treats unknown voters as matching nothing and an empty set as neutral', () => {
    expect(majorityCommitIndex(ids(1, 2, 3), lookup({ 1: 5 }))).toBe(0);
    expect(majorityCommitIndex([], lookup({}))).toBe(Infinity);
  });

  it('agrees with a brute-force definition', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 1, maxLength: 7 }), (matches) => {
        const voters = matches.map((_, i) => nodeId(i + 1));
        expect(majorityCommitIndex(voters, (id) => matches[id - 1])).toBe(bruteCommit(matches));
      }),
    );
  });
});

describe('jointCommitIndex', () => {
  it('needs both majorities', () => {
    const match = lookup({ 1: 9, 2: 9, 3: 1, 4: 2, 5: 2 });
    expect(jointCommitIndex(ids(1, 2, 3), ids(3, 4, 5), match)).toBe(2);
    expect(jointCommitIndex(ids(1, 2, 3), [], match)).toBe(9);
  });

  it('is the minimum of the two halves', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(20), { minLength: 6, maxLength: 6 }), fc.integer({ min: 1, max: 5 }), (matches, split) => {
        const all = matches.map((_, i) => nodeId(i + 1));
        const match = (id: NodeId) => matches[id - 1];
        const incoming = all.slice(0, split);
        const outgoing = all.slice(split - 1);
        expect(jointCommitIndex(incoming, outgoing, match)).toBe(
          Math.min(bruteCommit(incoming.map((id) => match(id) ?? 0)), bruteCommit(outgoing.map((id) => match(id) ?? 0))),
        );
      }),
    );
  });
});

describe('majorityVoteResult', () => {
  it('decides won, lost and pending', () => {
    expect(majorityVoteResult(ids(1, 2, 3), lookup({ 1: true, 2: true }))).toBe(VoteResult.WON);
    expect(majorityVoteResult(ids(1, 2, 3), lookup({ 1: true, 2: false }))).toBe(VoteResult.PENDING);
    expect(majorityVoteResult(ids(1, 2, 3), lookup({ 1: false, 2: false }))).toBe(VoteResult.LOST);
    expect(majorityVoteResult(ids(1, 2, 3, 4), lookup({ 1: true, 2: true }))).toBe(VoteResult.PENDING);
    expect(majorityVoteResult([], lookup({}))).toBe(VoteResult.WON);
  });

  it('matches counting for every vote assignment', () => {
    const answer = fc.constantFrom<boolean | undefined>(true, false, undefined);
    fc.assert(
      fc.property(fc.array(answer, { minLength: 1, maxLength: 7 }), (answers) => {
        const voters = answers.map((_, i) => nodeId(i + 1));
        const result = majorityVoteResult(voters, (id) => answers[id - 1]);
        const yes = answers.filter((a) => a === true).length;
        const no = answers.filter((a) => a === false).length;
        const q = majoritySize(answers.length);
        const expected = yes >= q ? VoteResult.WON : answers.length - no >= q ? VoteResult.PENDING : VoteResult.LOST;
        expect(result).toBe(expected);
      }),
    );
  });
});

describe('jointVoteResult', () => {
  it('is lost if either half is lost, won only if both are won', () => {
    const votes = lookup({ 1: true, 2: true, 3: false, 4: false });
    expect(jointVoteResult(ids(1, 2, 3), ids(3, 4, 5), votes)).toBe(VoteResult.LOST);
    expect(jointVoteResult(ids(1, 2, 3), ids(1, 2, 5), votes)).toBe(VoteResult.WON);
    expect(jointVoteResult(ids(1, 2, 3), ids(1, 5, 6), votes)).toBe(VoteResult.PENDING);
    expect(jointVoteResult(ids(1, 2, 3), [], votes)).toBe(VoteResult.WON);
  });

  it('combines the halves for every assignment', () => {
    const answer = fc.constantFrom<boolean | undefined>(true, false, undefined);
    fc.assert(
      fc.property(fc.array(answer, { minLength: 5, maxLength: 5 }), (answers) => {
        const vote = (id: NodeId) => answers[id - 1];
        const a = majorityVoteResult(ids(1, 2, 3), vote);
        const b = majorityVoteResult(ids(3, 4, 5), vote);
        const joint = jointVoteResult(ids(1, 2, 3), ids(3, 4, 5), vote);
        if (a === VoteResult.LOST || b === VoteResult.LOST) expect(joint).toBe(VoteResult.LOST);
        else if (a === VoteResult.WON && b === VoteResult.WON) expect(joint).toBe(VoteResult.WON);
        else expect(joint).toBe(VoteResult.PENDING);
      }),
    );
  });
});
