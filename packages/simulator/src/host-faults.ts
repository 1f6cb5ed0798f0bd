import type { NodeId } from '@flotilla/raft';
import type { FaultProfile, Xoshiro128 } from '@flotilla/testkit';
import type { HostCluster } from './host-cluster.js';

/** Power losses (while serving or while recovering), restarts, partitions and heals. */
export class HostFaults {
  /** Crashed nodes and the step at which they come back. */
  private readonly restartAt = new Map<NodeId, number>();

  constructor(
    private readonly cluster: HostCluster,
    private readonly random: Xoshiro128,
    private readonly profile: FaultProfile,
  ) {}

  step(): void {
    const { cluster, random, profile } = this;
    const now = cluster.nowStep;
    for (const [id, at] of this.restartAt) {
      if (at > now) continue;
      this.restartAt.delete(id);
      if (!cluster.retired.has(id)) cluster.restart(id);
    }
    const up = cluster.upNodes();
    if (up.length > 0 && random.chance(profile.crashProbability)) {
      const victim = random.pick(up);
      cluster.crash(victim.id);
      this.restartAt.set(victim.id, now + random.between(1, profile.restartDelayStepsMax));
    }
    if (random.chance(profile.partitionProbability)) this.partition();
    if (cluster.network.links.cutLinkCount > 0 && random.chance(profile.healProbability)) {
      cluster.network.links.healAll();
      cluster.trace(() => 'heal all partitions');
    }
  }

  private partition(): void {
    const ids = [...this.cluster.nodes.keys()].filter((id) => !this.cluster.retired.has(id));
    if (ids.length < 2) return;
    const links = this.cluster.network.links;
    switch (this.random.int(3)) {
      case 0:
        links.isolate(this.random.pick(ids), ids);
        break;
      case 1: {
        const sideA = ids.filter(() => this.random.chance(0.5));
        links.partition(sideA, ids.filter((id) => !sideA.includes(id)));
        break;
      }
      default:
        links.cutOneWay(this.random.pick(ids), this.random.pick(ids));
    }
    this.cluster.trace(() => `partition: cut ${links.describe()}`);
  }

  /** Every crashed node comes back now (the liveness phase). */
  restartAll(): void {
    for (const id of this.restartAt.keys()) if (!this.cluster.retired.has(id)) this.cluster.restart(id);
    this.restartAt.clear();
  }
}
