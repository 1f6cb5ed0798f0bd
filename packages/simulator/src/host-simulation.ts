import { confMembers, groupId, NO_NODE } from '@flotilla/raft';
import type { GroupId } from '@flotilla/raft';
import type { KvService } from '@flotilla/multiraft';
import { Xoshiro128 } from '@flotilla/raft';
import { checkHistory, drawFaultProfile, healedNetwork, isRefusal, MembershipDriver, SimulationFailure } from '@flotilla/testkit';
import { groupMembership } from './group-membership.js';
import { HostCluster } from './host-cluster.js';
import { HostFaults } from './host-faults.js';
import { ServiceWorkload } from './service-workload.js';

export const DEFAULT_HOST_SAFETY_STEPS = 2000;
export const DEFAULT_HOST_LIVENESS_STEPS_MAX = 1500;

export interface HostSimulationOptions {
  readonly seed: number;
  /** Steps with faults on. */
  readonly safetySteps?: number;
  /** Bound on the steps the healed cluster may take to elect, commit and converge. */
  readonly livenessStepsMax?: number;
  readonly trace?: (line: string) => void;
}

export interface HostSimulationReport {
  readonly seed: number;
  readonly nodes: number;
  readonly groups: number;
  readonly steps: number;
  /** A hash of every step's state on every replica: equal for equal seeds. */
  readonly fingerprint: number;
  readonly committedEntries: number;
  readonly leaderTerms: number;
  readonly operations: number;
  /** `unknown` when the checker ran out of budget: not a failure, but not a proof either. */
  readonly linearizability: 'linearizable' | 'unknown';
  readonly counters: HostCounters;
}

export interface HostCounters {
  crashes: number;
  crashesWhileRecovering: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  leaderTransfers: number;
  nodesAdded: number;
  configurationsApplied: number;
  writesAcknowledged: number;
  readsServed: number;
  boundedReads: number;
}

const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * One seeded run of whole nodes: a safety phase (power losses, during recovery too, partitions,
 * a lossy network, lagging syncs, compactions and snapshots from small thresholds, leader
 * transfers, client traffic through the nodes' services, every safety property of every group
 * checked at every step), then a liveness phase (faults healed, every node restarted) in which
 * every group must elect, commit a fresh write and converge; then the clients' history must be
 * linearizable.
 */
export async function runHostSimulation(options: HostSimulationOptions): Promise<HostSimulationReport> {
  const { seed } = options;
  const safetySteps = options.safetySteps ?? DEFAULT_HOST_SAFETY_STEPS;
  const replay = `pnpm sim --seed ${seed}${safetySteps === DEFAULT_HOST_SAFETY_STEPS ? '' : ` --steps ${safetySteps}`} --trace`;
  const root = new Xoshiro128(seed);
  const profile = drawFaultProfile(root.fork());
  const electionTimeoutTicks = root.between(8, 20);
  const cluster = await HostCluster.create({
    random: root.fork(),
    nodes: root.chance(0.5) ? 3 : 5,
    groups: root.pick([2, 4, 4, 6, 8]),
    network: profile.network,
    syncDelayStepsMax: profile.syncDelayStepsMax,
    node: {
      electionTimeoutTicks,
      heartbeatIntervalTicks: root.between(1, 3),
      snapshotThresholdEntries: root.pick([6, 20, 60, 1000]),
    },
    ...(options.trace === undefined ? {} : { trace: options.trace }),
  });
  cluster.skipTickProbability = profile.skipTickProbability;
  const faults = new HostFaults(cluster, root.fork(), profile);
  const workload = new ServiceWorkload(root.fork(), {
    clients: root.between(1, 4),
    keys: KEYS,
    requestProbability: 0.2,
    boundedReadProbability: 0.2,
    requestTimeoutSteps: 10 * electionTimeoutTicks,
  });
  const services = { services: (): KvService[] => cluster.servingNodes().flatMap((node) => (node.node === undefined ? [] : [node.node.service])) };
  const control = root.fork();
  let leaderTransfers = 0;
  const membershipRandom = root.fork();
  const drivers = Array.from(
    { length: cluster.groupCount },
    (_, i) => new MembershipDriver(groupMembership(cluster, groupId(i + 1)), membershipRandom.fork(), { maxMembers: 7, minVoters: 3 }),
  );

  let phase = 'safety';
  try {
    for (let i = 0; i < safetySteps; i++) {
      faults.step();
      if (control.chance(profile.transferLeaderProbability * 4) && transferLeadership(cluster, control)) leaderTransfers++;
      if (control.chance(profile.membershipChangeProbability * 2)) await control.pick(drivers).proposeRandomChange();
      workload.step(cluster.nowStep, services);
      await cluster.step();
    }

    phase = 'liveness';
    cluster.network.links.healAll();
    cluster.network.profile = healedNetwork(profile.network);
    cluster.skipTickProbability = 0;
    faults.restartAll();
    workload.issuing = false;
    cluster.trace(() => 'liveness phase: faults healed, every node restarted');
    await checkLiveness(cluster, workload, seed, options.livenessStepsMax ?? DEFAULT_HOST_LIVENESS_STEPS_MAX);

    phase = 'linearizability';
    const operations = workload.history.operations();
    const verdict = checkHistory(operations);
    if (verdict.verdict === 'illegal') {
      throw new Error(`history of ${operations.length} operations is not linearizable on key ${verdict.key}: ${verdict.explanation}`);
    }
    let committedEntries = 0;
    let leaderTerms = 0;
    for (const checker of cluster.checkers.all) {
      committedEntries += checker.coverage.committedEntries;
      leaderTerms += checker.coverage.leaderTerms;
    }
    return {
      seed,
      nodes: cluster.founders.length,
      groups: cluster.groupIds().length,
      steps: cluster.nowStep,
      fingerprint: cluster.fingerprint,
      committedEntries,
      leaderTerms,
      operations: operations.length,
      linearizability: verdict.verdict,
      counters: {
        crashes: cluster.crashes,
        crashesWhileRecovering: cluster.crashesWhileRecovering,
        snapshotsTaken: cluster.checkers.counts.snapshotsTaken,
        snapshotsInstalled: cluster.checkers.counts.snapshotsInstalled,
        leaderTransfers,
        nodesAdded: cluster.nodes.size - cluster.founders.length,
        configurationsApplied: cluster.checkers.counts.configurationsApplied,
        writesAcknowledged: workload.writesAcknowledged,
        readsServed: workload.readsServed,
        boundedReads: workload.boundedReads,
      },
    };
  } catch (error) {
    throw new SimulationFailure(seed, cluster.nowStep, phase, replay, error);
  }
}

/** Asks a group's leader to hand its leadership to another voter; true if it was asked. */
function transferLeadership(cluster: HostCluster, random: Xoshiro128): boolean {
  const groups = cluster.groupIds();
  if (groups.length === 0) return false;
  const group = random.pick(groups);
  const leader = cluster.leaderOf(group);
  const replica = leader?.replica(group);
  if (leader === undefined || replica === undefined) return false;
  const voters = replica.raft.confState().voters.filter((id) => id !== leader.id);
  if (voters.length === 0) return false;
  const to = random.pick(voters);
  leader.node?.host.atNextTurn(group, (r) => {
    try {
      r.raft.transferLeader(to);
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
  });
  cluster.trace(() => `n${leader.id} transfers group ${group} to n${to}`);
  return true;
}

/**
 * With faults gone, every group must elect a leader out of joint consensus with its whole log
 * committed and applied, take a fresh write on every key, and bring every member to the
 * leader's applied state, within the bound.
 */
async function checkLiveness(cluster: HostCluster, workload: ServiceWorkload, seed: number, maxSteps: number): Promise<void> {
  const deadline = cluster.nowStep + maxSteps;
  const remaining = (): number => deadline - cluster.nowStep;
  const expected = [...cluster.nodes.keys()].filter((id) => !cluster.retired.has(id));
  const settledLeader = (group: GroupId): { commit: number; members: readonly number[] } | undefined => {
    const leader = cluster.leaderOf(group);
    const replica = leader?.replica(group);
    if (leader === undefined || replica === undefined) return undefined;
    const conf = replica.raft.confState();
    if (conf.votersOutgoing.length > 0) return undefined;
    const { term, commit, lastIndex, leadTransferee } = replica.raft.basicStatus();
    if (leadTransferee !== NO_NODE || commit !== lastIndex || replica.appliedIndex !== commit) return undefined;
    if (cluster.checkers.of(group).logTermAt(leader.id, commit) !== term) return undefined;
    return { commit, members: confMembers(conf) };
  };
  const allLead = (): boolean =>
    expected.every((id) => cluster.node(id).node !== undefined) && cluster.groupIds().every((group) => settledLeader(group) !== undefined);
  if (!(await cluster.runUntil(allLead, remaining()))) {
    throw new Error(`liveness: not every group had a settled leader within ${maxSteps} steps\n${cluster.describe()}`);
  }

  // A fresh write on every key, through any node: every group commits in its current term.
  const done = new Set<string>();
  const inFlight = new Set<string>();
  const attempts = new Map<string, number>();
  const probesDone = (): boolean => {
    for (const key of KEYS) {
      if (done.has(key) || inFlight.has(key)) continue;
      const serving = cluster.servingNodes();
      // Another node at each attempt: a node whose replica its group removed answers no_leader.
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const service = serving[(key.charCodeAt(0) + attempt) % serving.length]?.node?.service;
      if (service === undefined) continue;
      inFlight.add(key);
      void workload.probe(service, key, `probe-${seed}-${cluster.nowStep}`).then((acknowledged) => {
        inFlight.delete(key);
        if (acknowledged) done.add(key);
      });
    }
    return done.size === KEYS.length;
  };
  if (!(await cluster.runUntil(probesDone, remaining()))) {
    throw new Error(`liveness: fresh writes did not commit on every key within ${maxSteps} steps\n${cluster.describe()}`);
  }

  const converged = (): boolean =>
    cluster.groupIds().every((group) => {
      const settled = settledLeader(group);
      if (settled === undefined) return false;
      return settled.members.every((id) => {
        const replica = cluster.nodes.get(id as never)?.replica(group);
        return replica !== undefined && replica.writtenIndex === settled.commit;
      });
    });
  if (!(await cluster.runUntil(converged, remaining()))) {
    throw new Error(`liveness: the members of some group did not converge within ${maxSteps} steps\n${cluster.describe()}`);
  }
}
