import { confMembers, isVoterIn } from './confchange.js';
import { Progress } from './progress.js';
import type { VoteResult } from './quorum.js';
import { jointCommitIndex, jointVoteResult } from './quorum.js';
import type { ConfState, NodeId } from './types.js';

/** The active configuration with the leader's progress for each member and a candidate's votes. */
export class ProgressTracker {
  conf: ConfState;
  readonly progress = new Map<NodeId, Progress>();
  private readonly votes = new Map<NodeId, boolean>();

  constructor(conf: ConfState, private readonly maxInflightMessages: number, private readonly maxInflightBytes: number) {
    this.conf = conf;
  }

  /** Switches to `conf`, keeping the progress of members that stay; new members are probed from `nextIndex`. */
  setConf(conf: ConfState, nextIndex: number): void {
    this.conf = conf;
    const members = new Set(confMembers(conf));
    for (const id of [...this.progress.keys()]) {
      if (!members.has(id)) this.progress.delete(id);
    }
    for (const id of members) {
      const isLearner = !isVoterIn(conf, id);
      const existing = this.progress.get(id);
      if (existing === undefined) {
        this.progress.set(id, new Progress(nextIndex, isLearner, this.maxInflightMessages, this.maxInflightBytes));
      } else {
        existing.isLearner = isLearner;
      }
    }
  }

  /** Fresh progress for every member (a new term begins). */
  resetProgress(nextIndex: number): void {
    this.progress.clear();
    this.setConf(this.conf, nextIndex);
  }

  isVoter(id: NodeId): boolean {
    return isVoterIn(this.conf, id);
  }

  /** Voters of both halves, each once. */
  voterIds(): NodeId[] {
    return [...new Set([...this.conf.voters, ...this.conf.votersOutgoing])];
  }

  isSingleton(): boolean {
    return this.conf.votersOutgoing.length === 0 && this.conf.voters.length === 1;
  }

  committed(): number {
    return jointCommitIndex(this.conf.voters, this.conf.votersOutgoing, this.matchOf);
  }

  /** Made once: `committed` runs on every acknowledgement. */
  private readonly matchOf = (id: NodeId): number | undefined => this.progress.get(id)?.match;

  resetVotes(): void {
    this.votes.clear();
  }

  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  voteResult(): VoteResult {
    return jointVoteResult(this.conf.voters, this.conf.votersOutgoing, (id) => this.votes.get(id));
  }

  /** Whether a quorum (both halves when joint) was heard from recently; `self` always counts. */
  quorumActive(self: NodeId): boolean {
    const active = (id: NodeId): boolean | undefined => id === self || this.progress.get(id)?.recentActive === true;
    return jointVoteResult(this.conf.voters, this.conf.votersOutgoing, active) === 'won';
  }
}
