// Progress on stderr while a run goes: a redrawn bar on a terminal, plain periodic lines
// otherwise (so logs and CI output stay readable).
import type { LoadProgress } from './run-load.js';

const BAR_WIDTH_CHARS = 30;

export interface ProgressPrinter {
  readonly intervalMs: number;
  update(progress: LoadProgress): void;
  /** Ends the bar's line. */
  finish(): void;
}

export function createProgressPrinter(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressPrinter {
  const isTty = stream.isTTY === true;
  let drewBar = false;
  return {
    intervalMs: isTty ? 250 : 5000,
    update(progress: LoadProgress): void {
      // Measured answers so far over measured time: the figure the final report will show.
      const ratePerS = progress.phase === 'measure' && progress.phaseElapsedS > 0 ? progress.answered / progress.phaseElapsedS : 0;
      const phase = progress.phase === 'warmup' ? 'warmup' : `${Math.round(progress.fraction * 100)}%`;
      const numbers = `${phase} ${progress.phaseElapsedS.toFixed(1)}s ${progress.answered} answered ${Math.round(ratePerS)} req/s ${progress.errors} errors`;
      if (isTty) {
        const filled = Math.round(progress.fraction * BAR_WIDTH_CHARS);
        stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH_CHARS - filled)}] ${numbers}\x1b[K`);
        drewBar = true;
      } else {
        stream.write(`${label}: ${numbers}\n`);
      }
    },
    finish(): void {
      if (drewBar) stream.write('\n');
      drewBar = false;
    },
  };
}
