import { runSimulation } from '../sim/simulation.js';
import type { SeedOutcome } from './seed-outcome.js';

/** Runs one seed and turns any error into its outcome; stack traces go with it, for the reader. */
export async function runSeed(seed: number, safetySteps: number, trace?: (line: string) => void): Promise<SeedOutcome> {
  try {
    const report = await runSimulation({ seed, safetySteps, ...(trace === undefined ? {} : { trace }) });
    return { seed, undecided: report.linearizability === 'unknown' };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const stack = cause instanceof Error && cause.stack !== undefined ? `\n${cause.stack.split('\n').slice(1, 6).join('\n')}` : '';
    return { seed, failure: `${error instanceof Error ? error.message : String(error)}${stack}`, undecided: false };
  }
}
