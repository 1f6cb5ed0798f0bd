import type { Xoshiro128 } from '@flotilla/raft';
import type { NetworkProfile } from './sim-network.js';

/** How hostile one run is; drawn from the seed, so runs range from calm to brutal. */
export interface FaultProfile {
  readonly network: NetworkProfile;
  /** Per step, the chance that one live node crashes. */
  readonly crashProbability: number;
  readonly restartDelayStepsMax: number;
  /** Per step, the chance of a new partition (symmetric, one-way or isolation). */
  readonly partitionProbability: number;
  /** Per step, the chance that every partition heals. */
  readonly healProbability: number;
  /** A Ready's sync completes 0..this many steps after it was written. */
  readonly syncDelayStepsMax: number;
  /** Per step, the chance that a node snapshots its applied state and compacts its log. */
  readonly compactProbability: number;
  /** Per step, the chance that a membership change is attempted. */
  readonly membershipChangeProbability: number;
  /** Per step and node, the chance that its next synced write carries its applied state machine. */
  readonly flushStateMachineProbability: number;
  /** Per step and node, the chance that its clock skips a tick (clock drift). */
  readonly skipTickProbability: number;
  /** Per step, the chance of a leadership transfer request. */
  readonly transferLeaderProbability: number;
}

export function drawFaultProfile(random: Xoshiro128): FaultProfile {
  const latencyMaxSteps = random.between(1, 4);
  return {
    network: {
      latencyMinSteps: random.between(0, 1),
      latencyMaxSteps,
      dropProbability: random.pick([0, 0.01, 0.05, 0.15]),
      duplicateProbability: random.pick([0, 0.01, 0.05]),
      longDelayProbability: random.pick([0, 0.005, 0.02]),
      longDelayStepsMax: random.between(latencyMaxSteps, 150),
      reportUnreachableProbability: random.pick([0, 0.2]),
    },
    crashProbability: random.pick([0, 0.002, 0.005, 0.01]),
    restartDelayStepsMax: random.between(5, 60),
    partitionProbability: random.pick([0, 0.003, 0.01]),
    healProbability: random.pick([0.01, 0.03]),
    syncDelayStepsMax: random.between(0, 3),
    compactProbability: random.pick([0.005, 0.02, 0.05]),
    membershipChangeProbability: random.pick([0, 0.005, 0.01]),
    flushStateMachineProbability: random.pick([0.05, 0.3, 1]),
    skipTickProbability: random.pick([0, 0.1]),
    transferLeaderProbability: random.pick([0, 0.002]),
  };
}
