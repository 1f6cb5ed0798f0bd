import { describe, expect, it } from 'vitest';
import { LeaderLogKnowledge } from './leader-log-knowledge.js';

describe('LeaderLogKnowledge', () => {
  it('knows committed the lower of the agreed log and the leader commit, whichever came first', () => {
    const knowledge = new LeaderLogKnowledge();
    expect(knowledge.learn(0, 5)).toBe(0);
    expect(knowledge.learn(3, 0)).toBe(3);
    expect(knowledge.learn(8, 0)).toBe(5);
    expect(knowledge.learn(0, 7)).toBe(7);
    // Reordered news never takes anything back.
    expect(knowledge.learn(4, 2)).toBe(7);
  });

  it('forgets both at a new term: agreement holds only with the leader that showed it', () => {
    const knowledge = new LeaderLogKnowledge();
    knowledge.learn(9, 0);
    knowledge.forget();
    expect(knowledge.learn(0, 9)).toBe(0);
    expect(knowledge.learn(4, 0)).toBe(4);
  });
});
