import type { Logger } from '@flotilla/raft';
import type { Scheduler } from './scheduler.js';

interface Window {
  held: number;
  readonly cancel: () => void;
}

/**
 * Warnings of one kind at most once per window: a flood of refused connections (2,003 in one
 * probe) would otherwise bury every other line. The first of a kind is logged at once, the
 * rest of its window are counted and reported in one line when the window ends.
 */
export class WarningLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly logger: Logger,
    private readonly scheduler: Scheduler,
    private readonly windowMs: number,
  ) {}

  warn(message: string, fields: Record<string, unknown>): void {
    const window = this.#windows.get(message);
    if (window !== undefined) {
      window.held += 1;
      return;
    }
    this.logger.warn(message, fields);
    this.#open(message);
  }

  /** Forgets held warnings and cancels every window's timer. */
  close(): void {
    for (const window of this.#windows.values()) window.cancel();
    this.#windows.clear();
  }

  #open(message: string): void {
    const cancel = this.scheduler.after(this.windowMs, () => {
      const held = this.#windows.get(message)?.held ?? 0;
      this.#windows.delete(message);
      if (held === 0) return;
      this.logger.warn(`${message} (${held} more like it in the last ${this.windowMs} ms)`, { held });
      // The flood goes on: one line per window, not one per event.
      this.#open(message);
    });
    this.#windows.set(message, { held: 0, cancel });
  }
}
