/** What the `flotilla` process exits with; scripts branch on these, so they never change meaning. */
export const EXIT = {
  /** The command did what it was asked. */
  OK: 0,
  /** Anything else went wrong: unreachable cluster, a refused or invalid request, an unhealthy endpoint. */
  ERROR: 1,
  /** The command line itself is wrong: nothing was sent. */
  USAGE: 2,
  /** `get` or `del` of a key that does not exist. */
  NOT_FOUND: 3,
  /** `put` or `del` with `--if-revision` whose compare did not hold: nothing was written. */
  COMPARE_FAILED: 4,
  /** A write may or may not have happened (the cluster timed out, or the connection dropped): read before retrying. */
  UNKNOWN_OUTCOME: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
