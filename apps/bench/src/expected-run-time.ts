// How long a compare run will take: printed before it starts, so nobody starts a 20-minute
// run by accident, and re-estimated from the measured pace after every round.

export interface RunTimePlan {
  readonly systems: number;
  readonly workloads: number;
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  /** Per cluster per round: start until ready, the read preload, stop, and the syncs around it. */
  readonly clusterOverheadS: number;
}

/** systems × rounds × (workloads × (duration + warmup) + overhead). */
export function expectedRunS(plan: RunTimePlan): number {
  return plan.systems * plan.rounds * (plan.workloads * (plan.durationS + plan.warmupS) + plan.clusterOverheadS);
}

/** The rounds still to run at the pace of those already run. */
export function remainingRunS(elapsedS: number, roundsDone: number, rounds: number): number {
  if (!Number.isSafeInteger(roundsDone) || roundsDone < 1 || roundsDone > rounds) {
    throw new RangeError(`roundsDone must be in [1, ${rounds}], got ${roundsDone}`);
  }
  return (elapsedS / roundsDone) * (rounds - roundsDone);
}
