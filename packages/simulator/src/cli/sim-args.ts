import { DEFAULT_SAFETY_STEPS } from '@flotilla/testkit';
import { DEFAULT_HOST_SAFETY_STEPS } from '../host-simulation.js';

/** Whole nodes (the production host), or the Raft core alone in the testkit's own loop. */
export type SimTarget = 'host' | 'core';

export interface SimArgs {
  readonly target: SimTarget;
  /** The seeds to run, in order. */
  readonly seeds: readonly number[];
  readonly safetySteps: number;
  /** Print every event of the (single) run. */
  readonly trace: boolean;
  readonly workers: number;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: pnpm sim [--core] [--seeds N [--start S]] [--seed S [--trace]] [--steps N] [--workers N]
  --core       simulate the Raft core alone (default: whole nodes, the real host)
  --seeds N    run seeds S..S+N-1 (S from --start, default 1)
  --seed S     replay one seed (add --trace for every event)
  --steps N    safety-phase steps per run (default ${DEFAULT_HOST_SAFETY_STEPS}, --core ${DEFAULT_SAFETY_STEPS})
  --workers N  worker threads (default: available cores)`;

const MAX_SEEDS = 10_000_000;

const positive = (flag: string, text: string | undefined, allowZero = false): number => {
  const value = Number(text);
  if (text === undefined || !Number.isSafeInteger(value) || value < (allowZero ? 0 : 1)) {
    throw new UsageError(`${flag} needs a ${allowZero ? 'non-negative' : 'positive'} integer, got ${text ?? 'nothing'}`);
  }
  return value;
};

/** Parses the command line; bad input is a `UsageError` with a message that says what is wrong. */
export function parseSimArgs(argv: readonly string[], defaultWorkers: number): SimArgs {
  let count: number | undefined;
  let start = 1;
  let single: number | undefined;
  let safetySteps: number | undefined;
  let target: SimTarget = 'host';
  let trace = false;
  let workers = defaultWorkers;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    switch (flag) {
      case '--seeds':
        count = positive(flag, argv[++i]);
        break;
      case '--start':
        start = positive(flag, argv[++i], true);
        break;
      case '--seed':
        single = positive(flag, argv[++i], true);
        break;
      case '--steps':
        safetySteps = positive(flag, argv[++i]);
        break;
      case '--workers':
        workers = positive(flag, argv[++i]);
        break;
      case '--trace':
        trace = true;
        break;
      case '--core':
        target = 'core';
        break;
      default:
        throw new UsageError(`unknown argument ${flag ?? ''}`);
    }
  }
  if (single !== undefined && count !== undefined) throw new UsageError('--seed and --seeds exclude each other');
  if (trace && single === undefined) throw new UsageError('--trace replays one run: give --seed S');
  if (count !== undefined && count > MAX_SEEDS) throw new UsageError(`--seeds is limited to ${MAX_SEEDS}`);
  const seeds = single !== undefined ? [single] : Array.from({ length: count ?? 100 }, (_, index) => start + index);
  return { target, seeds, safetySteps: safetySteps ?? (target === 'host' ? DEFAULT_HOST_SAFETY_STEPS : DEFAULT_SAFETY_STEPS), trace, workers };
}
