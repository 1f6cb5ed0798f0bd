/**
 * Timers, injected (law 2 of the house) so that a simulator or a test can drive time.
 * `after` returns a function that cancels the timer.
 */
export interface Scheduler {
  after(delayMs: number, run: () => void): () => void;
}

export const realScheduler: Scheduler = {
  after(delayMs, run) {
    const timer = setTimeout(run, delayMs);
    return () => clearTimeout(timer);
  },
};
