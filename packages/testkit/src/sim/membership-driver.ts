import { ConfChangeKind } from '@flotilla/raft';
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from '@flotilla/raft';
import type { Xoshiro128 } from '../random/xoshiro128.js';
import { isRefusal } from './cluster.js';

/** A node as the driver sees it. */
export interface MembershipNode {
  readonly id: NodeId;
  /** It applied the change that removes it: its host shuts it down. */
  readonly appliedOwnRemoval: boolean;
}

/** The group's leader: its configuration as of its applied index, and a way to propose a change (a refusal throws). */
export interface MembershipLeader extends MembershipNode {
  conf(): ConfState;
  proposeConfChange(change: ConfChange): void;
}

/** One group of a simulated cluster (the core's Cluster, or one group of whole nodes). */
export interface MembershipCluster {
  readonly bootstrapConf: ConfState;
  leader(): MembershipLeader | undefined;
  runningNodes(): readonly MembershipNode[];
  /** A fresh, empty node that waits for a snapshot of the group. */
  addNode(): Promise<MembershipNode>;
  retire(id: NodeId): void;
  trace(text: () => string): void;
}

export interface MembershipLimits {
  /** Voters and learners together. */
  readonly maxMembers: number;
  /** Never fewer voters than this, so that one crash does not stall the group for the rest of the run. */
  readonly minVoters: number;
}

/**
 * Random membership changes through the leader: add a learner (a fresh node), promote it,
 * demote or remove a voter (the leader included), or replace a voter in one joint change.
 * Nodes that applied their own removal are shut down.
 */
export class MembershipDriver {
  /**
   * The founders and every node named by an accepted proposal. An id is never offered twice,
   * as real clusters never reuse a node id: a replica catching up on an old removal would
   * otherwise be shut down although a later entry adds it back.
   */
  private readonly named = new Set<NodeId>();
  proposals = 0;

  constructor(
    private readonly cluster: MembershipCluster,
    private readonly random: Xoshiro128,
    private readonly limits: MembershipLimits,
  ) {
    for (const id of cluster.bootstrapConf.voters) this.named.add(id);
  }

  /** Attempts one change through the current leader; refusals (a change pending, no leader) are normal. */
  async proposeRandomChange(): Promise<void> {
    const leader = this.cluster.leader();
    if (leader === undefined) return;
    const conf = leader.conf();
    if (conf.votersOutgoing.length > 0) return;
    const changes = await this.drawChanges(conf.voters, conf.learners);
    if (changes.length === 0) return;
    const change: ConfChange = { changes };
    try {
      leader.proposeConfChange(change);
      this.proposals++;
      for (const { node } of changes) this.named.add(node);
      this.cluster.trace(() => `n${leader.id} proposes conf change ${JSON.stringify(changes)}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
  }

  private async drawChanges(voters: readonly NodeId[], learners: readonly NodeId[]): Promise<ConfChangeSingle[]> {
    const canGrow = voters.length + learners.length < this.limits.maxMembers;
    const canShrink = voters.length > this.limits.minVoters;
    const options: (() => ConfChangeSingle[] | Promise<ConfChangeSingle[]>)[] = [];
    if (canGrow) options.push(async () => [{ kind: ConfChangeKind.ADD_LEARNER, node: (await this.spareNode()).id }]);
    if (learners.length > 0) {
      options.push(() => [{ kind: ConfChangeKind.ADD_VOTER, node: this.random.pick(learners) }]);
      options.push(() => [{ kind: ConfChangeKind.REMOVE_NODE, node: this.random.pick(learners) }]);
    }
    if (canShrink) {
      options.push(() => [{ kind: ConfChangeKind.REMOVE_NODE, node: this.random.pick(voters) }]);
      options.push(() => [{ kind: ConfChangeKind.ADD_LEARNER, node: this.random.pick(voters) }]);
    }
    if (learners.length > 0 && voters.length >= this.limits.minVoters) {
      // Replace a voter by a learner in one joint step.
      options.push(() => [
        { kind: ConfChangeKind.ADD_VOTER, node: this.random.pick(learners) },
        { kind: ConfChangeKind.REMOVE_NODE, node: this.random.pick(voters) },
      ]);
    }
    return options.length === 0 ? [] : this.random.pick(options)();
  }

  /** A running node no proposal has named yet, or a brand-new one. */
  private async spareNode(): Promise<MembershipNode> {
    const spare = this.cluster.runningNodes().find((node) => !this.named.has(node.id));
    return spare ?? this.cluster.addNode();
  }

  /** Shuts down every node that applied its own removal. */
  retireRemoved(): void {
    for (const node of this.cluster.runningNodes()) {
      if (node.appliedOwnRemoval) this.cluster.retire(node.id);
    }
  }
}
