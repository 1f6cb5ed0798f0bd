import { describe, expect, it } from 'vitest';
import { expectedRunS, remainingRunS } from './expected-run-time.js';

describe('expectedRunS', () => {
  it('counts every workload of every system in every round, plus each cluster start', () => {
    // 3 systems × 3 rounds × (6 workloads × 10 s + 15 s) = 9 × 75 s.
    expect(expectedRunS({ systems: 3, workloads: 6, rounds: 3, durationS: 8, warmupS: 2, clusterOverheadS: 15 })).toBe(675);
    expect(expectedRunS({ systems: 1, workloads: 6, rounds: 1, durationS: 2, warmupS: 0, clusterOverheadS: 0 })).toBe(12);
  });

  it('is zero when nothing can run', () => {
    expect(expectedRunS({ systems: 0, workloads: 6, rounds: 3, durationS: 8, warmupS: 2, clusterOverheadS: 15 })).toBe(0);
  });
});

describe('remainingRunS', () => {
  it('extrapolates the pace of the rounds already run', () => {
    expect(remainingRunS(300, 1, 3)).toBe(600);
    expect(remainingRunS(500, 2, 3)).toBe(250);
    expect(remainingRunS(700, 3, 3)).toBe(0);
  });

  it('refuses a count of rounds done outside the plan', () => {
    expect(() => remainingRunS(10, 0, 3)).toThrow(/roundsDone/);
    expect(() => remainingRunS(10, 4, 3)).toThrow(/roundsDone/);
  });
});
