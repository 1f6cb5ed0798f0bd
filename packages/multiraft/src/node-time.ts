/** Stops a timer; calling it again does nothing. */
export type CancelTimer = () => void;

/**
 * Time and scheduling as a node sees them, injected (law 2 of the house): the real clock and
 * the event loop in a server, a clock and queue the simulator steps so that a seed replays
 * exactly. Nothing on the node's path calls timers or reads a clock but through this.
 */
export interface NodeTime {
  /** Monotonic milliseconds. */
  nowMs(): number;
  /** Runs `task` once the work now running (and the microtasks it queued) is done: the host's next turn. */
  soon(task: () => void): void;
  /** Runs `task` once, `delayMs` from now. */
  after(delayMs: number, task: () => void): CancelTimer;
  /**
   * Runs `task` every `intervalMs` until cancelled. A background timer does not keep the process
   * alive on its own (greetings, balancing); the host's tick does.
   */
  every(intervalMs: number, task: () => void, options?: { readonly background?: boolean }): CancelTimer;
}

/** The event loop's timers and `performance.now()`. */
export const realTime: NodeTime = {
  nowMs: () => performance.now(),
  soon: (task) => {
    setImmediate(task);
  },
  after: (delayMs, task) => {
    const timer = setTimeout(task, delayMs);
    return () => clearTimeout(timer);
  },
  every: (intervalMs, task, options) => {
    const timer = setInterval(task, intervalMs);
    if (options?.background === true) timer.unref();
    return () => clearInterval(timer);
  },
};

/** Resolves `delayMs` from now on the node's clock. */
export const sleep = (time: NodeTime, delayMs: number): Promise<void> =>
  new Promise((resolve) => {
    time.after(delayMs, resolve);
  });
