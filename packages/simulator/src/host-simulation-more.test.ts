import { describe, expect, it } from 'vitest';
import { HOST_SEEDS, runHostSeeds } from './seed-suite.js';

// The second half of the seeds in a file of its own, so that the two halves run in parallel.
describe('seeded simulation of whole nodes, second half', () => {
  it(`keeps every safety property of every group, stays live and linearizable on seeds ${HOST_SEEDS / 2 + 1}..${HOST_SEEDS}`, async () => {
    const { failures } = await runHostSeeds(HOST_SEEDS / 2 + 1, HOST_SEEDS);
    expect(failures).toEqual([]);
  });
});
