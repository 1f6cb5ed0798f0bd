import { describe, expect, it } from 'vitest';
import type { Logger } from '@flotilla/raft';
import type { Scheduler } from './scheduler.js';
import { WarningLimiter } from './warning-limiter.js';

/** Timers run when the test says. */
const manualScheduler = (): Scheduler & { runAll(): void; readonly pending: number } => {
  let timers: (() => void)[] = [];
  return {
    after(_delayMs, run) {
      timers.push(run);
      return () => (timers = timers.filter((timer) => timer !== run));
    },
    runAll() {
      const due = timers;
      timers = [];
      for (const run of due) run();
    },
    get pending() {
      return timers.length;
    },
  };
};

const capture = (): Logger & { readonly lines: string[] } => {
  const lines: string[] = [];
  return { lines, debug: () => {}, info: () => {}, warn: (message) => lines.push(message) };
};

describe('WarningLimiter', () => {
  it('logs the first of a flood at once and the rest as one line per window', () => {
    const logger = capture();
    const scheduler = manualScheduler();
    const limiter = new WarningLimiter(logger, scheduler, 10_000);
    for (let i = 0; i < 2003; i++) limiter.warn('inbound connection dropped', { i });
    limiter.warn('another kind', {});
    expect(logger.lines).toEqual(['inbound connection dropped', 'another kind']);
    scheduler.runAll();
    expect(logger.lines.slice(2)).toEqual(['inbound connection dropped (2002 more like it in the last 10000 ms)']);
    // A quiet window ends it: the next warning is logged at once again.
    scheduler.runAll();
    expect(scheduler.pending).toBe(0);
    limiter.warn('inbound connection dropped', {});
    expect(logger.lines).toHaveLength(4);
    limiter.close();
    expect(scheduler.pending).toBe(0);
  });
});
