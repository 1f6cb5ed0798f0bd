import type { NodeId, Xoshiro128 } from '@flotilla/raft';
import type { Cluster } from './cluster.js';
import type { FaultProfile } from './fault-profile.js';

/** Random crashes (power losses), restarts, partitions, heals, compactions and state machine flushes. */
export class FaultInjector {
  /** Crashed nodes and the step at which they come back. */
  private readonly restartAt = new Map<NodeId, number>();

  constructor(
    private readonly cluster: Cluster,
    private readonly random: Xoshiro128,
    private readonly profile: FaultProfile,
  ) {}

  async step(): Promise<void> {
    const { cluster, random, profile } = this;
    const now = cluster.nowStep;
    for (const [id, at] of this.restartAt) {
      if (at > now) continue;
      this.restartAt.delete(id);
      if (!cluster.retired.has(id)) await cluster.restart(id);
    }
    const running = cluster.runningNodes();
    if (running.length > 0 && random.chance(profile.crashProbability)) {
      const victim = random.pick(running);
      cluster.crash(victim.id);
      this.restartAt.set(victim.id, now + random.between(1, profile.restartDelayStepsMax));
    }
    if (random.chance(profile.partitionProbability)) this.partition();
    if (cluster.network.links.cutLinkCount > 0 && random.chance(profile.healProbability)) {
      cluster.network.links.healAll();
      cluster.trace(() => 'heal all partitions');
    }
    for (const node of cluster.runningNodes()) {
      if (random.chance(profile.compactProbability)) node.requestSnapshot(random.between(0, node.applied));
      if (random.chance(profile.flushStateMachineProbability)) node.requestFlush();
    }
  }

  private partition(): void {
    const ids = [...this.cluster.nodes.keys()].filter((id) => !this.cluster.retired.has(id));
    if (ids.length < 2) return;
    const links = this.cluster.network.links;
    switch (this.random.int(3)) {
      case 0: {
        // Often the leader: cut off, it may lead on in its term while clients still read from
        // it, and a majority elects another leader that commits.
        const leader = this.cluster.leader()?.id;
        const node = leader !== undefined && this.random.chance(0.5) ? leader : this.random.pick(ids);
        links.isolate(node, ids);
        break;
      }
      case 1: {
        const sideA = ids.filter(() => this.random.chance(0.5));
        links.partition(sideA, ids.filter((id) => !sideA.includes(id)));
        break;
      }
      default: {
        const from = this.random.pick(ids);
        links.cutOneWay(from, this.random.pick(ids));
      }
    }
    this.cluster.trace(() => `partition: cut ${links.describe()}`);
  }

  /** Every crashed, not retired node comes back now (the liveness phase). */
  async restartAll(): Promise<void> {
    for (const id of this.restartAt.keys()) {
      if (!this.cluster.retired.has(id)) await this.cluster.restart(id);
    }
    this.restartAt.clear();
  }
}
