#!/usr/bin/env node
// `pnpm sim`: runs seeded simulations of whole nodes (or, with --core, of the Raft core alone)
// and prints every failing seed with the command that replays it. The last line is always `seeds: N, failures: F`.
import { availableParallelism } from 'node:os';
import { runSeed } from './cli/run-seed.js';
import { runSeedPool } from './cli/seed-pool.js';
import { parseSimArgs, USAGE, UsageError } from './cli/sim-args.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseSimArgs(process.argv.slice(2), availableParallelism());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  const startedMs = performance.now();
  let failures = 0;
  let undecided = 0;
  const onOutcome = (outcome: { failure?: string; undecided: boolean }): void => {
    if (outcome.failure !== undefined) {
      failures++;
      console.log(outcome.failure);
    }
    if (outcome.undecided) undecided++;
  };
  const [single] = args.seeds;
  if (args.trace && single !== undefined) {
    onOutcome(await runSeed(args.target, single, args.safetySteps, (line) => console.log(line)));
  } else {
    await runSeedPool(args.target, args.seeds, args.safetySteps, args.workers, onOutcome);
  }
  const elapsedS = ((performance.now() - startedMs) / 1000).toFixed(1);
  console.log(`time: ${elapsedS}s, workers: ${Math.min(args.workers, args.seeds.length)}, histories undecided: ${undecided}`);
  console.log(`seeds: ${args.seeds.length}, failures: ${failures}`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = await main();
