import type { CancelTimer, NodeTime } from '@flotilla/multiraft';

interface Timer {
  atMs: number;
  readonly sequence: number;
  readonly task: () => void;
  /** Periodic timers come back this much later after each run. */
  readonly intervalMs: number | undefined;
}

/**
 * One node process's clock and timers, stepped by the simulation: `soon` tasks wait in a queue
 * the simulation runs, timers fire when the simulation says their time has come. Nothing runs
 * on its own, so one seed replays exactly. A crash stops it: the dead process's timers and
 * queued turns never run.
 */
export class ManualTime implements NodeTime {
  private queue: (() => void)[] = [];
  private timers: Timer[] = [];
  private nextSequence = 0;
  private stopped = false;

  constructor(private readonly clock: () => number) {}

  nowMs(): number {
    return this.clock();
  }

  soon(task: () => void): void {
    if (!this.stopped) this.queue.push(task);
  }

  after(delayMs: number, task: () => void): CancelTimer {
    return this.add(delayMs, task, undefined);
  }

  every(intervalMs: number, task: () => void): CancelTimer {
    return this.add(intervalMs, task, intervalMs);
  }

  private add(delayMs: number, task: () => void, intervalMs: number | undefined): CancelTimer {
    if (this.stopped) return () => undefined;
    const timer: Timer = { atMs: this.clock() + Math.max(0, delayMs), sequence: this.nextSequence++, task, intervalMs };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  /** Fires every timer due by now, in time then creation order; a periodic one at most once per call. */
  fireDue(): void {
    const nowMs = this.clock();
    const due = this.timers.filter((timer) => timer.atMs <= nowMs).sort((a, b) => a.atMs - b.atMs || a.sequence - b.sequence);
    for (const timer of due) {
      if (this.stopped) return;
      if (!this.timers.includes(timer)) continue; // cancelled by an earlier one
      if (timer.intervalMs === undefined) {
        this.timers = this.timers.filter((other) => other !== timer);
      } else {
        // A late periodic timer runs once and keeps its phase: missed runs are not made up.
        while (timer.atMs <= nowMs) timer.atMs += Math.max(1, timer.intervalMs);
      }
      timer.task();
    }
  }

  /** Runs the tasks queued so far (not those they queue); how many ran. */
  runQueued(): number {
    const tasks = this.queue;
    this.queue = [];
    for (const task of tasks) {
      if (this.stopped) break;
      task();
    }
    return tasks.length;
  }

  get hasQueued(): boolean {
    return this.queue.length > 0;
  }

  /** The process died: nothing of it runs again. */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.timers = [];
  }
}
