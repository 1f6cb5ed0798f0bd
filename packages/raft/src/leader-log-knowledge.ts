/**
 * What a follower knows of its leader's log in the current term: how far its own log agrees
 * with it (the end of the last append it accepted) and the highest commit index the leader has
 * told it. Entries up to the lower of the two are committed here as well.
 *
 * A leader sends no append just to carry a new commit index; the index rides on the next
 * append, heartbeat or read-index answer, and may come before or after the entries it covers.
 * Agreement is only known for the leader that showed it, so a new term forgets both.
 */
export class LeaderLogKnowledge {
  private agreedTo = 0;
  private leaderCommit = 0;

  forget(): void {
    this.agreedTo = 0;
    this.leaderCommit = 0;
  }

  /**
   * Our log agrees with the leader's up to `agreedTo`, and the leader has committed
   * `leaderCommit` (0 for what a message does not tell); returns the index now known committed.
   */
  learn(agreedTo: number, leaderCommit: number): number {
    if (agreedTo > this.agreedTo) this.agreedTo = agreedTo;
    if (leaderCommit > this.leaderCommit) this.leaderCommit = leaderCommit;
    return Math.min(this.agreedTo, this.leaderCommit);
  }
}
