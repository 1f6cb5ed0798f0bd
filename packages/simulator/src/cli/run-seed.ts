import { runSimulation } from '@flotilla/testkit';
import { runHostSimulation } from '../host-simulation.js';
import type { SeedOutcome } from './seed-outcome.js';
import type { SimTarget } from './sim-args.js';

/** Runs one seed and turns any error into its outcome; stack traces go with it, for the reader. */
export async function runSeed(target: SimTarget, seed: number, safetySteps: number, trace?: (line: string) => void): Promise<SeedOutcome> {
  try {
    const options = { seed, safetySteps, ...(trace === undefined ? {} : { trace }) };
    const report = target === 'host' ? await runHostSimulation(options) : await runSimulation(options);
    return { seed, undecided: report.linearizability === 'unknown' };
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    const stack = cause instanceof Error && cause.stack !== undefined ? `\n${cause.stack.split('\n').slice(1, 6).join('\n')}` : '';
    return { seed, failure: `${error instanceof Error ? error.message : String(error)}${stack}`, undecided: false };
  }
}
