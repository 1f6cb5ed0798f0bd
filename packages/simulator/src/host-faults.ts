import type { NodeId } from '@flotilla/raft';
import type { Xoshiro128 } from '@flotilla/raft';
import type { FaultProfile } from '@flotilla/testkit';
import type { HostCluster } from './host-cluster.js';

/** Of restarts, how many are struck again at once (within 0..2 steps, while recovering if syncs lag). */
const RECOVERY_CRASH_PROBABILITY = 0.25;

/** Power losses (while serving or while recovering), restarts, partitions and heals. */
export class HostFaults {
  /** Crashed nodes and the step at which they come back. */
  private readonly restartAt = new Map<NodeId, number>();
  /** Restarted nodes struck again within a few steps: most are still recovering then. */
  private readonly recoveryCrashAt = new Map<NodeId, number>();

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
      if (cluster.retired.has(id)) continue;
      cluster.restart(id);
      if (random.chance(RECOVERY_CRASH_PROBABILITY)) this.recoveryCrashAt.set(id, now + random.between(0, 2));
    }
    for (const [id, at] of this.recoveryCrashAt) {
      if (at > now) continue;
      this.recoveryCrashAt.delete(id);
      if (cluster.node(id).isUp) this.crash(id);
    }
    const up = cluster.upNodes();
    if (up.length > 0 && random.chance(profile.crashProbability)) this.crash(random.pick(up).id);
    // A node still recovering waits on a held sync (its bootstrap, a snapshot it finishes installing).
    const recovering = cluster.upNodes().filter((node) => node.node === undefined);
    if (recovering.length > 0 && random.chance(RECOVERY_CRASH_PROBABILITY / 5)) this.crash(random.pick(recovering).id);
    if (random.chance(profile.partitionProbability)) this.partition();
    if (cluster.network.links.cutLinkCount > 0 && random.chance(profile.healProbability)) {
      cluster.network.links.healAll();
      cluster.trace(() => 'heal all partitions');
    }
  }

  private crash(id: NodeId): void {
    this.cluster.crash(id);
    this.restartAt.set(id, this.cluster.nowStep + this.random.between(1, this.profile.restartDelayStepsMax));
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
    this.recoveryCrashAt.clear();
  }
}
