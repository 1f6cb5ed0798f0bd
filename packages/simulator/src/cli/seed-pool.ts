import { Worker } from 'node:worker_threads';
import { runSeed } from './run-seed.js';
import type { SeedOutcome } from './seed-outcome.js';
import type { SimTarget } from './sim-args.js';

/** Seeds per message to a worker: big enough to amortize messaging, small enough to balance the load. */
const BATCH_SEEDS = 20;

/**
 * Runs the seeds on `workers` threads, handing out batches as workers free up, and reports
 * every outcome as it arrives. One worker runs inline, on this thread.
 */
export async function runSeedPool(
  target: SimTarget,
  seeds: readonly number[],
  safetySteps: number,
  workers: number,
  onOutcome: (outcome: SeedOutcome) => void,
): Promise<void> {
  if (workers <= 1 || seeds.length <= BATCH_SEEDS) {
    for (const seed of seeds) onOutcome(await runSeed(target, seed, safetySteps));
    return;
  }
  let next = 0;
  const takeBatch = (): number[] => {
    const batch = seeds.slice(next, next + BATCH_SEEDS);
    next += batch.length;
    return batch;
  };
  const threads = Array.from({ length: Math.min(workers, Math.ceil(seeds.length / BATCH_SEEDS)) }, () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(new URL('./sim-worker.js', import.meta.url), { workerData: { target, safetySteps } });
      const feed = (): void => {
        const batch = takeBatch();
        if (batch.length === 0) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(batch);
      };
      worker.on('message', (outcomes: SeedOutcome[]) => {
        for (const outcome of outcomes) onOutcome(outcome);
        feed();
      });
      worker.on('error', reject);
      feed();
    }),
  );
  await Promise.all(threads);
}
