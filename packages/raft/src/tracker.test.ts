import { describe, expect, it } from 'vitest';
import { VoteResult } from './quorum.js';
import { ProgressTracker } from './tracker.js';
import type { ConfState } from './types.js';
import { nodeId } from './types.js';

// Joint quorums as the leader and a candidate meet them: through the tracker's progress and
// votes, not the quorum functions alone. C-old {1,2,3} and C-new {1,4,5} share only node 1, so
// {1,4,5} is a majority of C-new holding just one of C-old: a joint configuration must not act on it.

const ids = (...values: number[]) => values.map(nodeId);
const joint = (incoming: number[], outgoing: number[], learnersNext: number[] = []): ConfState => ({
  voters: ids(...incoming),
  votersOutgoing: ids(...outgoing),
  learners: [],
  learnersNext: ids(...learnersNext),
});

const trackerOf = (conf: ConfState): ProgressTracker => {
  const tracker = new ProgressTracker(conf, 256, 1 << 20);
  tracker.setConf(conf, 1);
  return tracker;
};

const acknowledge = (tracker: ProgressTracker, index: number, ...from: number[]): void => {
  for (const id of from) tracker.progress.get(nodeId(id))?.maybeUpdate(index);
};

const vote = (tracker: ProgressTracker, granted: boolean, ...from: number[]): void => {
  for (const id of from) tracker.recordVote(nodeId(id), granted);
};

describe('ProgressTracker in a joint configuration', () => {
  it('commits only what a majority of each half holds', () => {
    const tracker = trackerOf(joint([1, 4, 5], [1, 2, 3]));
    acknowledge(tracker, 10, 1, 4, 5);
    expect(tracker.committed()).toBe(0);
    acknowledge(tracker, 7, 2);
    expect(tracker.committed()).toBe(7);
    acknowledge(tracker, 10, 3);
    expect(tracker.committed()).toBe(10);
  });

  it('does not commit on the outgoing majority alone either', () => {
    const tracker = trackerOf(joint([1, 4, 5], [1, 2, 3]));
    acknowledge(tracker, 10, 1, 2, 3);
    expect(tracker.committed()).toBe(0);
    acknowledge(tracker, 10, 4);
    expect(tracker.committed()).toBe(10);
  });

  it('needs both majorities when the halves share no voter (a swap of every voter)', () => {
    const tracker = trackerOf(joint([4, 5, 6], [1, 2, 3]));
    acknowledge(tracker, 5, 4, 5, 6);
    expect(tracker.committed()).toBe(0);
    acknowledge(tracker, 5, 1, 2);
    expect(tracker.committed()).toBe(5);
  });

  it('counts a demoted voter in the outgoing half until the joint configuration is left', () => {
    const tracker = trackerOf(joint([1, 2], [1, 2, 3], [3]));
    expect(tracker.progress.get(nodeId(3))?.isLearner).toBe(false);
    acknowledge(tracker, 4, 1, 3);
    expect(tracker.committed()).toBe(0); // C-new {1,2} needs 2
    acknowledge(tracker, 4, 2);
    expect(tracker.committed()).toBe(4);
  });

  it('elects only with votes of a majority of each half', () => {
    const tracker = trackerOf(joint([1, 4, 5], [1, 2, 3]));
    vote(tracker, true, 1, 4, 5);
    expect(tracker.voteResult()).toBe(VoteResult.PENDING);
    vote(tracker, false, 2, 3);
    expect(tracker.voteResult()).toBe(VoteResult.LOST);

    tracker.resetVotes();
    vote(tracker, true, 1, 2, 3);
    vote(tracker, false, 4, 5);
    expect(tracker.voteResult()).toBe(VoteResult.LOST);

    tracker.resetVotes();
    vote(tracker, true, 1, 2, 4);
    expect(tracker.voteResult()).toBe(VoteResult.WON);
  });

  it('asks every voter of both halves, each once', () => {
    const tracker = trackerOf(joint([1, 4, 5], [1, 2, 3]));
    expect(tracker.voterIds().sort()).toEqual(ids(1, 2, 3, 4, 5));
  });

  it('sees a quorum active only when both halves were heard from', () => {
    const tracker = trackerOf(joint([1, 4, 5], [1, 2, 3]));
    for (const id of ids(2, 3)) (tracker.progress.get(id) as { recentActive: boolean }).recentActive = false;
    expect(tracker.quorumActive(nodeId(1))).toBe(false);
    (tracker.progress.get(nodeId(2)) as { recentActive: boolean }).recentActive = true;
    expect(tracker.quorumActive(nodeId(1))).toBe(true);
  });
});
