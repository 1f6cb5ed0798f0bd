import { groupId } from '@flotilla/raft';
import { Xoshiro128 } from '@flotilla/raft';
import { RELIABLE_NETWORK } from '@flotilla/testkit';
import { HostCluster } from './host-cluster.js';
import type { SimHost } from './sim-host.js';

/** The one group of a quiet cluster. */
export const QUIET_GROUP = groupId(1);

/**
 * Three whole nodes with one group on a reliable network, stepped until the group has a leader
 * and every replica has quiesced: the starting point of scripted host scenarios.
 */
export async function quietCluster(seed: number, snapshotThresholdEntries = 1000): Promise<{ cluster: HostCluster; leader: SimHost }> {
  const cluster = await HostCluster.create({
    random: new Xoshiro128(seed),
    nodes: 3,
    groups: 1,
    network: RELIABLE_NETWORK,
    syncDelayStepsMax: 0,
    node: { electionTimeoutTicks: 10, heartbeatIntervalTicks: 1, snapshotThresholdEntries },
  });
  const quiesced = (): boolean =>
    cluster.servingNodes().length === 3 && cluster.servingNodes().every((node) => node.replica(QUIET_GROUP)?.quiesced === true);
  if (!(await cluster.runUntil(() => cluster.leaderOf(QUIET_GROUP) !== undefined && quiesced(), 500))) {
    throw new Error(`seed ${seed}: the group did not elect and quiesce`);
  }
  const leader = cluster.leaderOf(QUIET_GROUP);
  if (leader === undefined) throw new Error(`seed ${seed}: no leader`);
  return { cluster, leader };
}
