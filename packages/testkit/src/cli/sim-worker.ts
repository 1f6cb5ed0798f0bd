import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from './run-seed.js';
import type { SeedOutcome } from './seed-outcome.js';

// A worker thread of the seed pool: runs each batch of seeds it is sent, answers with the outcomes.
const port = parentPort;
if (port === null) throw new Error('sim-worker must run as a worker thread');
const { safetySteps } = workerData as { safetySteps: number };
port.on('message', (seeds: number[]) => {
  const outcomes: SeedOutcome[] = seeds.map((seed) => runSeed(seed, safetySteps));
  port.postMessage(outcomes);
});
