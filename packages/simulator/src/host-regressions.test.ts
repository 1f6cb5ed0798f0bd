import { describe, expect, it } from 'vitest';
import { runHostSimulation } from './host-simulation.js';

/**
 * Seeds that once failed on the real host, each replayed in full. 1041: a leader quiesced while
 * a learner it had just added still waited for its snapshot (quiescence counted voters only).
 * 264 and 1632: a node restarted faster than an election timeout, so its peers' quiet leaders
 * never told it what they had committed (a learner stayed behind for good; voters timed out
 * and deposed their leaders again and again).
 */
const REGRESSIONS = [264, 1041, 1632];

describe('host simulation seeds that found bugs', () => {
  it.each(REGRESSIONS)('seed %i passes', async (seed) => {
    const report = await runHostSimulation({ seed });
    expect(report.seed).toBe(seed);
  });
});
