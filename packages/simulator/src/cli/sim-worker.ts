import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from './run-seed.js';
import type { SeedOutcome } from './seed-outcome.js';
import type { SimTarget } from './sim-args.js';

// A worker thread of the seed pool: runs each batch of seeds it is sent, answers with the outcomes.
const port = parentPort;
if (port === null) throw new Error('sim-worker must run as a worker thread');
const { target, safetySteps } = workerData as { target: SimTarget; safetySteps: number };
port.on('message', (seeds: number[]) => {
  void runBatch(seeds).then((outcomes) => port.postMessage(outcomes));
});

async function runBatch(seeds: readonly number[]): Promise<SeedOutcome[]> {
  const outcomes: SeedOutcome[] = [];
  for (const seed of seeds) outcomes.push(await runSeed(target, seed, safetySteps));
  return outcomes;
}
