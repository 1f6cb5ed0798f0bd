/** A broken Raft safety property. Never caught by the simulator: it ends the run with the seed. */
export class SafetyViolation extends Error {
  override readonly name = 'SafetyViolation';
}
