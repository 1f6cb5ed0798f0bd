import { describe, expect, it } from 'vitest';
import { runHostSimulation } from './host-simulation.js';

/**
 * Seeds that once failed on the real host, each replayed in full. 1041: a leader quiesced while
 * a learner it had just added still waited for its snapshot (quiescence counted voters only).
 */
const REGRESSIONS = [1041];

describe('host simulation seeds that found bugs', () => {
  it.each(REGRESSIONS)('seed %i passes', async (seed) => {
    const report = await runHostSimulation({ seed });
    expect(report.seed).toBe(seed);
  });
});
