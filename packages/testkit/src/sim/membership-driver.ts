import { ConfChangeKind, confMembers } from '@flotilla/raft';
import type { ConfChange, ConfChangeSingle, ConfState, NodeId, Xoshiro128 } from '@flotilla/raft';
import { isRefusal } from './cluster.js';

/** A node as the driver sees it. */
export interface MembershipNode {
  readonly id: NodeId;
  /** It applied the change that removes it: its host shuts it down. */
  readonly appliedOwnRemoval: boolean;
  /** Its configuration as of its applied index. */
  conf(): ConfState;
}

/** The group's leader, and a way to propose a change (a refusal throws). */
export interface MembershipLeader extends MembershipNode {
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

const voter = (node: NodeId): ConfChangeSingle => ({ kind: ConfChangeKind.ADD_VOTER, node });
const learner = (node: NodeId): ConfChangeSingle => ({ kind: ConfChangeKind.ADD_LEARNER, node });
const remove = (node: NodeId): ConfChangeSingle => ({ kind: ConfChangeKind.REMOVE_NODE, node });

export interface MembershipLimits {
  /** Voters and learners together. */
  readonly maxMembers: number;
  /** Never fewer voters than this, so that one crash does not stall the group for the rest of the run. */
  readonly minVoters: number;
}

/** One kind of change the driver may draw, with how often it is drawn among those possible. */
interface ChangeOption {
  readonly weight: number;
  readonly draw: () => ConfChangeSingle[] | Promise<ConfChangeSingle[]>;
}

/**
 * Random membership changes through the leader: add a learner (a fresh node), promote it,
 * demote or remove a voter (the leader included), and above all replace voters in one joint
 * change: one, several or all of them at once (promoting caught-up learners, or adding fresh
 * empty nodes as voters), or trade a voter's and a learner's roles. A replacement is where the
 * old and the new majorities can be disjoint (C-old {1,2,3}, C-new {1,2,4}: {2,3} and {1,4}), so
 * only the joint configuration's double majority keeps it safe; single additions and removals
 * never test that. Nodes that applied their own removal are shut down once the new members know it.
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
    const { maxMembers, minVoters } = this.limits;
    const members = voters.length + learners.length;
    const canGrow = members < maxMembers;
    const canShrink = voters.length > minVoters;
    const options: ChangeOption[] = [];
    // Learners are what replacements promote: keep some around.
    if (canGrow) options.push({ weight: learners.length < voters.length ? 4 : 1, draw: async () => [learner((await this.spareNode()).id)] });
    if (learners.length > 0) {
      options.push({ weight: 1, draw: () => [voter(this.random.pick(learners))] });
      options.push({ weight: 1, draw: () => [remove(this.random.pick(learners))] });
    }
    if (canShrink) {
      options.push({ weight: 1, draw: () => [remove(this.random.pick(voters))] });
      options.push({ weight: 1, draw: () => [learner(this.random.pick(voters))] });
    }
    if (learners.length > 0 && voters.length >= minVoters) {
      // Replace 1..all voters by as many learners in one joint step; all of them makes C-old and C-new disjoint.
      options.push({
        weight: 6,
        draw: () => {
          const count = this.random.between(1, Math.min(learners.length, voters.length));
          const promoted = this.pickSome(learners, count);
          return [...promoted.map(voter), ...this.pickSome(voters, count).map(remove)];
        },
      });
      // A voter and a learner trade roles: the demoted voter keeps voting in C-old until the joint configuration is left.
      options.push({ weight: 2, draw: () => [voter(this.random.pick(learners)), learner(this.random.pick(voters))] });
    }
    if (canGrow && voters.length >= minVoters) {
      // Replace a voter by a fresh, empty node: C-new's majority waits for it to catch up by snapshot.
      options.push({ weight: 2, draw: async () => [voter((await this.spareNode()).id), remove(this.random.pick(voters))] });
    }
    const total = options.reduce((sum, option) => sum + option.weight, 0);
    let ticket = this.random.int(Math.max(total, 1));
    for (const option of options) {
      if (ticket < option.weight) return option.draw();
      ticket -= option.weight;
    }
    return [];
  }

  /** `count` distinct items of `items`, in random order. */
  private pickSome(items: readonly NodeId[], count: number): NodeId[] {
    const pool = [...items];
    const picked: NodeId[] = [];
    while (picked.length < count && pool.length > 0) picked.push(...pool.splice(this.random.int(pool.length), 1));
    return picked;
  }

  /** A running node no proposal has named yet, or a brand-new one. */
  private async spareNode(): Promise<MembershipNode> {
    const spare = this.cluster.runningNodes().find((node) => !this.named.has(node.id));
    return spare ?? this.cluster.addNode();
  }

  /**
   * Shuts down every node that applied its own removal, once a running voter of the new
   * configuration has applied it too (as a replica collector that asks the group would). Shut
   * down at once, the removed nodes could be the only ones that know the new configuration
   * committed: after a swap of most voters, the new ones would then campaign in the joint
   * configuration and wait forever for votes of the old majority.
   */
  retireRemoved(): void {
    const running = this.cluster.runningNodes();
    for (const node of running) {
      if (!node.appliedOwnRemoval) continue;
      const successors = node.conf().voters;
      const known = running.some((other) => {
        if (!successors.includes(other.id)) return false;
        // A node that joined empty has no configuration yet: it must have applied one that names it a voter.
        const conf = other.conf();
        return conf.votersOutgoing.length === 0 && conf.voters.includes(other.id) && !confMembers(conf).includes(node.id);
      });
      if (known) this.cluster.retire(node.id);
    }
  }
}
