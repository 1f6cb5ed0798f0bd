export interface PollOptions {
  /** Past this the wait fails: a test waits generously, but never forever. */
  readonly timeoutMs: number;
  readonly intervalMs?: number;
}

const DEFAULT_INTERVAL_MS = 100;

export const sleep = (ms: number): Promise<void> => new Promise((resolveSlept) => setTimeout(resolveSlept, ms));

/**
 * Calls `attempt` until it returns something other than undefined, and returns that. Undefined
 * means "not yet"; a thrown error is a real failure and ends the wait at once.
 */
export const pollUntil = async <T>(
  what: string,
  attempt: () => Promise<T | undefined>,
  options: PollOptions,
): Promise<T> => {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const result = await attempt();
    if (result !== undefined) return result;
    if (Date.now() >= deadline) throw new Error(`gave up after ${options.timeoutMs} ms waiting for ${what}`);
    await sleep(options.intervalMs ?? DEFAULT_INTERVAL_MS);
  }
};
