import { confMembers, Xoshiro128 } from '@flotilla/raft';
import { checkHistory } from '../linearizability/index.js';
import { encodeCommand } from '../statemachine/kv-command.js';
import { ClientWorkload } from '../workload/client-workload.js';
import { Cluster, DEFAULT_RAFT_SETTINGS, isRefusal } from './cluster.js';
import { FaultInjector } from './fault-injector.js';
import { drawFaultProfile } from './fault-profile.js';
import { MembershipDriver } from './membership-driver.js';
import { healedNetwork } from './sim-network.js';
import type { SimCounters, SimNode, SimRaftSettings } from './sim-node.js';
import { SimulationFailure } from './simulation-failure.js';

export const DEFAULT_SAFETY_STEPS = 2000;
export const DEFAULT_LIVENESS_STEPS_MAX = 800;

export interface SimulationOptions {
  readonly seed: number;
  /** Steps with faults on. */
  readonly safetySteps?: number;
  /** Bound on the steps the healed cluster may take to elect, commit and converge. */
  readonly livenessStepsMax?: number;
  readonly trace?: (line: string) => void;
}

export interface SimulationReport {
  readonly seed: number;
  readonly initialVoters: number;
  readonly steps: number;
  /** A hash of every step's state on every node: equal for equal seeds. */
  readonly fingerprint: number;
  readonly committedEntries: number;
  readonly leaderTerms: number;
  readonly membershipProposals: number;
  readonly operations: number;
  /** `unknown` when the checker ran out of budget: not a failure, but not a proof either. */
  readonly linearizability: 'linearizable' | 'unknown';
  readonly messagesDelivered: number;
  readonly counters: SimCounters;
}

/** Client id of the liveness probe; simulated clients count from 1. */
const PROBE_CLIENT = 0;
const PROBE_KEY = '__liveness';

/**
 * One seeded run: a safety phase (power losses, partitions, lossy network, lagging syncs,
 * compaction, membership changes, client traffic, every invariant checked every step), then a
 * liveness phase (faults healed, everyone restarted) that must elect a leader, commit a new
 * entry on every member and converge, and finally the clients' history must be linearizable.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const { seed } = options;
  const safetySteps = options.safetySteps ?? DEFAULT_SAFETY_STEPS;
  const replay = `pnpm sim --core --seed ${seed}${safetySteps === DEFAULT_SAFETY_STEPS ? '' : ` --steps ${safetySteps}`} --trace`;
  const root = new Xoshiro128(seed);
  const profile = drawFaultProfile(root.fork());
  const cluster = await Cluster.create({
    random: root.fork(),
    voters: root.chance(0.5) ? 3 : 5,
    settings: drawRaftSettings(root),
    network: profile.network,
    syncDelayStepsMax: profile.syncDelayStepsMax,
    ...(options.trace === undefined ? {} : { trace: options.trace }),
  });
  cluster.skipTickProbability = profile.skipTickProbability;
  const faults = new FaultInjector(cluster, root.fork(), profile);
  const membership = new MembershipDriver(cluster, root.fork(), { maxMembers: 7, minVoters: 3 });
  const workload = new ClientWorkload(root.fork(), {
    clients: root.between(1, 4),
    keys: ['a', 'b', 'c'],
    requestProbability: 0.2,
    requestTimeoutSteps: 80,
  });
  cluster.clientSink = workload;
  const control = root.fork();

  let phase = 'safety';
  try {
    for (let i = 0; i < safetySteps; i++) {
      await faults.step();
      if (control.chance(profile.membershipChangeProbability)) await membership.proposeRandomChange();
      if (control.chance(profile.transferLeaderProbability)) transferLeadership(cluster, control);
      workload.step(cluster.nowStep, cluster);
      await cluster.step();
      membership.retireRemoved();
    }

    phase = 'liveness';
    cluster.network.links.healAll();
    cluster.network.profile = healedNetwork(profile.network);
    cluster.skipTickProbability = 0;
    await faults.restartAll();
    workload.issuing = false;
    cluster.trace(() => 'liveness phase: faults healed, every node restarted');
    await checkLiveness(cluster, membership, seed, options.livenessStepsMax ?? DEFAULT_LIVENESS_STEPS_MAX);

    phase = 'linearizability';
    const operations = workload.history.operations();
    const verdict = checkHistory(operations);
    if (verdict.verdict === 'illegal') {
      throw new Error(`history of ${operations.length} operations is not linearizable on key ${verdict.key}: ${verdict.explanation}`);
    }
    const coverage = cluster.checker.coverage;
    return {
      seed,
      initialVoters: cluster.bootstrapConf.voters.length,
      steps: cluster.nowStep,
      fingerprint: cluster.fingerprint,
      committedEntries: coverage.committedEntries,
      leaderTerms: coverage.leaderTerms,
      membershipProposals: membership.proposals,
      operations: operations.length,
      linearizability: verdict.verdict,
      messagesDelivered: cluster.network.counters.delivered,
      counters: { ...cluster.counters },
    };
  } catch (error) {
    throw new SimulationFailure(seed, cluster.nowStep, phase, replay, error);
  }
}

/** The core's knobs, drawn per seed: small windows, chunks and batches reach the edge cases. */
function drawRaftSettings(random: Xoshiro128): SimRaftSettings {
  const electionTimeoutTicks = random.between(8, 20);
  return {
    ...DEFAULT_RAFT_SETTINGS,
    electionTimeoutTicks,
    heartbeatIntervalTicks: random.between(1, 3),
    snapshotChunkBytes: random.between(16, 128),
    maxInflightMessages: random.between(1, 8),
    maxInflightBytes: random.between(256, 4096),
    // One command per append in some runs: a lagging follower then acknowledges an earlier
    // term's entries one by one, which is when counting them could commit them (Figure 8).
    maxMessageBytes: random.pick([128, DEFAULT_RAFT_SETTINGS.maxMessageBytes]),
    maxCommittedBytesPerReady: random.pick([100, 16 * 1024 * 1024]),
    maxUncommittedEntriesBytes: random.pick([300, 64 * 1024 * 1024]),
    preVote: random.chance(0.8),
    checkQuorum: random.chance(0.8),
  };
}

function transferLeadership(cluster: Cluster, random: Xoshiro128): void {
  const leader = cluster.leader();
  if (leader === undefined) return;
  const voters = leader.raw().confState().voters.filter((id) => id !== leader.id);
  if (voters.length === 0) return;
  const to = random.pick(voters);
  try {
    leader.raw().transferLeader(to);
    cluster.trace(() => `n${leader.id} transfers leadership to n${to}`);
  } catch (error) {
    if (!isRefusal(error)) throw error;
  }
}

/**
 * With faults gone, the group must elect a leader out of joint consensus, commit a fresh probe
 * write on every member, and bring every member to the same applied state, within the bound.
 */
async function checkLiveness(cluster: Cluster, membership: MembershipDriver, seed: number, maxSteps: number): Promise<void> {
  const deadline = cluster.nowStep + maxSteps;
  const remaining = (): number => deadline - cluster.nowStep;
  /** A leader whose whole log is committed in its own term and applied: its configuration is settled. */
  const stableLeader = (): SimNode | undefined => {
    membership.retireRemoved();
    const leader = cluster.leader();
    if (leader === undefined || leader.conf().votersOutgoing.length > 0) return undefined;
    const { hardState, lastIndex } = leader.status();
    const settled =
      cluster.checker.logTermAt(leader.id, hardState.commit) === hardState.term && leader.applied === lastIndex && hardState.commit === lastIndex;
    if (!settled) return undefined;
    // The host shuts down replicas the configuration no longer names, even those that never
    // learned of their removal: left running, they could keep disrupting elections forever.
    const members = confMembers(leader.conf());
    for (const node of cluster.runningNodes()) if (!members.includes(node.id)) cluster.retire(node.id);
    return leader;
  };
  if (!(await cluster.runUntil(() => stableLeader() !== undefined, remaining()))) {
    throw new Error(`liveness: no leader out of joint consensus within ${maxSteps} steps`);
  }

  const probeValue = `seed-${seed}`;
  let probeSeq = 0;
  let probeLeader: SimNode | undefined;
  const probeApplied = (): boolean => {
    const leader = stableLeader();
    if (leader === undefined) return false;
    if (leader !== probeLeader) {
      // A new leader (or the first): propose the probe through it; the session table drops repeats.
      probeSeq++;
      const probe = encodeCommand({ client: PROBE_CLIENT, seq: probeSeq, write: { op: 'put', key: PROBE_KEY, value: probeValue } });
      try {
        leader.raw().propose(probe);
        probeLeader = leader;
      } catch (error) {
        if (!isRefusal(error)) throw error;
      }
      return false;
    }
    return confMembers(leader.conf()).every((id) => {
      const node = cluster.nodes.get(id);
      return node?.isRunning === true && node.kvState().get(PROBE_KEY) === probeValue;
    });
  };
  if (!(await cluster.runUntil(probeApplied, remaining()))) {
    throw new Error(`liveness: a new proposal did not commit on every member within ${maxSteps} steps`);
  }

  const converged = (): boolean => {
    const leader = stableLeader();
    if (leader === undefined) return false;
    const members = confMembers(leader.conf()).map((id) => cluster.node(id));
    const commit = leader.status().hardState.commit;
    return members.every((node) => node.isRunning && node.applied === commit && node.kvState().stateHash() === leader.kvState().stateHash());
  };
  if (!(await cluster.runUntil(converged, remaining()))) {
    throw new Error(`liveness: members did not converge to one applied state within ${maxSteps} steps`);
  }
}
