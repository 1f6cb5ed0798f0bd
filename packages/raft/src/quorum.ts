import type { NodeId } from './types.js';

// Pure quorum arithmetic. An empty voter set is neutral: it agrees to everything, so a joint
// result over (voters, []) is just the result over voters.

export const VoteResult = {
  WON: 'won',
  LOST: 'lost',
  PENDING: 'pending',
} as const;
export type VoteResult = (typeof VoteResult)[keyof typeof VoteResult];

/** Size of a majority of `count` voters. */
export const majoritySize = (count: number): number => Math.floor(count / 2) + 1;

/**
 * The largest index that a majority of `voters` has matched (`match` gives 0 when unknown).
 * Infinity for no voters.
 */
export const majorityCommitIndex = (voters: readonly NodeId[], match: (id: NodeId) => number | undefined): number => {
  if (voters.length === 0) return Infinity;
  // The highest index that a majority holds, found without sorting: a leader asks on every
  // acknowledgement, and a sort's copies were a measurable share of its allocations.
  const needed = majoritySize(voters.length);
  let committed = 0;
  for (const candidate of voters) {
    const index = match(candidate) ?? 0;
    if (index <= committed) continue;
    let holding = 0;
    for (const voter of voters) if ((match(voter) ?? 0) >= index) holding++;
    if (holding >= needed) committed = index;
  }
  return committed;
};

/** Joint consensus: an index is committed only when both majorities have it. */
export const jointCommitIndex = (
  incoming: readonly NodeId[],
  outgoing: readonly NodeId[],
  match: (id: NodeId) => number | undefined,
): number => Math.min(majorityCommitIndex(incoming, match), majorityCommitIndex(outgoing, match));

/** Won once a majority granted, lost once a majority can no longer grant, else pending. */
export const majorityVoteResult = (voters: readonly NodeId[], vote: (id: NodeId) => boolean | undefined): VoteResult => {
  if (voters.length === 0) return VoteResult.WON;
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const answer = vote(id);
    if (answer === undefined) missing++;
    else if (answer) granted++;
  }
  const needed = majoritySize(voters.length);
  if (granted >= needed) return VoteResult.WON;
  if (granted + missing >= needed) return VoteResult.PENDING;
  return VoteResult.LOST;
};

export const jointVoteResult = (
  incoming: readonly NodeId[],
  outgoing: readonly NodeId[],
  vote: (id: NodeId) => boolean | undefined,
): VoteResult => {
  const first = majorityVoteResult(incoming, vote);
  const second = majorityVoteResult(outgoing, vote);
  if (first === second) return first;
  if (first === VoteResult.LOST || second === VoteResult.LOST) return VoteResult.LOST;
  return VoteResult.PENDING;
};
