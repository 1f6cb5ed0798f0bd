import { describe, expect, it } from 'vitest';
import { LeaderLogKnowledge } from './leader-log-knowledge.js';

describe('LeaderLogKnowledge', () => {
  it('knows committed the lower of the agreed log and the leader commit, whichever came first', () => {
    const knowledge = new LeaderLogKnowledge();
    expect(knowledge.leaderCommitted(5)).toBe(0);
    expect(knowledge.agreesTo(3)).toBe(3);
    expect(knowledge.agreesTo(8)).toBe(5);
    expect(knowledge.leaderCommitted(7)).toBe(7);
    // Reordered news never takes anything back.
    expect(knowledge.agreesTo(4)).toBe(7);
    expect(knowledge.leaderCommitted(2)).toBe(7);
  });

  it('forgets both at a new term: agreement holds only with the leader that showed it', () => {
    const knowledge = new LeaderLogKnowledge();
    knowledge.agreesTo(9);
    knowledge.forget();
    expect(knowledge.leaderCommitted(9)).toBe(0);
    expect(knowledge.agreesTo(4)).toBe(4);
  });
});
