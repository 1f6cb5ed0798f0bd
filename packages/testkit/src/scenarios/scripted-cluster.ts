import { nodeId, Role, Xoshiro128 } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import { Cluster, DEFAULT_RAFT_SETTINGS } from '../sim/cluster.js';
import { RELIABLE_NETWORK } from '../sim/sim-network.js';
import type { SimRaftSettings } from '../sim/sim-node.js';
import { encodeCommand } from '../statemachine/kv-command.js';

/**
 * A cluster for hand-written scenarios: reliable one-step network, syncs that land at once, and (by
 * default) no clock, so that elections happen exactly when the script campaigns. The safety
 * checker still watches every step.
 */
export async function scriptedCluster(voters: number, settings: Partial<SimRaftSettings> = {}, seed = 1): Promise<Cluster> {
  const cluster = await Cluster.create({
    random: new Xoshiro128(seed),
    voters,
    settings: { ...DEFAULT_RAFT_SETTINGS, preVote: false, checkQuorum: false, ...settings },
    network: RELIABLE_NETWORK,
    syncDelayStepsMax: 0,
  });
  cluster.ticking = false;
  return cluster;
}

export const n = nodeId;

/**
 * Campaigns `id` until it leads. A node behind in term loses its first campaign and learns the
 * term from the refusals, as in the paper's Figure 8 (c), so it may take a few attempts.
 */
export async function elect(cluster: Cluster, id: NodeId, attempts = 3): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    cluster.node(id).raw().campaign();
    if (await cluster.runUntil(() => isLeader(cluster, id), 10)) return;
  }
  throw new Error(`node ${id} did not win an election in ${attempts} attempts`);
}

export const isLeader = (cluster: Cluster, id: NodeId): boolean => {
  const node = cluster.nodes.get(id);
  return node?.isRunning === true && node.status().softState.role === Role.LEADER;
};

export const commitOf = (cluster: Cluster, id: NodeId): number => cluster.node(id).status().hardState.commit;

let nextSeq = 1;
/** Proposes a put as a client outside the workload would; returns nothing, the log decides. */
export function proposePut(cluster: Cluster, id: NodeId, key: string, value: string): void {
  cluster.node(id).raw().propose(encodeCommand({ client: 1000, seq: nextSeq++, write: { op: 'put', key, value } }));
}

/**
 * Steps until every given node has applied at least `index`. Without a clock the leader ticks
 * here: a commit sends no append of its own, so the last commit reaches followers by heartbeat.
 */
export async function settle(cluster: Cluster, ids: readonly NodeId[], index: number, maxSteps = 100): Promise<void> {
  const done = (): boolean => ids.every((id) => cluster.node(id).applied >= index);
  for (let step = 0; step < maxSteps && !done(); step++) {
    if (!cluster.ticking) cluster.leader()?.tick();
    await cluster.run(1);
  }
  if (!done()) {
    const applied = ids.map((id) => `${id}:${cluster.node(id).applied}`).join(' ');
    throw new Error(`nodes did not apply ${index} within ${maxSteps} steps (applied ${applied})`);
  }
}
