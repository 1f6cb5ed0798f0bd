export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Uniform in [0, 1); injected so tests can replay the jitter. */
  readonly random: () => number;
}

/**
 * Exponential reconnect delay with "equal jitter": half the ceiling is fixed, half random, so
 * peers that lost a node at the same moment do not all redial it in lockstep.
 */
export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The delay before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    const ceilingMs = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    const halfMs = ceilingMs / 2;
    return Math.round(halfMs + this.options.random() * halfMs);
  }

  reset(): void {
    this.failures = 0;
  }
}
