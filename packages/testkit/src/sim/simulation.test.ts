import { describe, expect, it } from 'vitest';
import { Hash53 } from '../util/hash53.js';
import type { SimCounters } from './sim-node.js';
import { runSimulation } from './simulation.js';
import type { SimulationReport } from './simulation.js';

const SEEDS = 500;

describe('seeded simulation', () => {
  it(`keeps every safety property, stays live and linearizable on ${SEEDS} seeds`, async () => {
    const failures: string[] = [];
    const totals: SimCounters & { leaderTerms: number; membershipProposals: number; operations: number } = {
      crashes: 0,
      snapshotsTaken: 0,
      snapshotsInstalled: 0,
      configurationsApplied: 0,
      readsServed: 0,
      writesAcknowledged: 0,
      leaderTerms: 0,
      membershipProposals: 0,
      operations: 0,
    };
    for (let seed = 1; seed <= SEEDS; seed++) {
      let report: SimulationReport;
      try {
        report = await runSimulation({ seed });
      } catch (error) {
        // The message names the seed and the replay command (`pnpm sim --seed S --trace`).
        failures.push(error instanceof Error ? error.message : String(error));
        continue;
      }
      for (const key of Object.keys(report.counters) as (keyof SimCounters)[]) totals[key] += report.counters[key];
      totals.leaderTerms += report.leaderTerms;
      totals.membershipProposals += report.membershipProposals;
      totals.operations += report.operations;
    }
    expect(failures).toEqual([]);
    // Not vacuous: the runs crashed nodes, moved snapshots, changed membership and served clients.
    for (const [name, total] of Object.entries(totals)) expect(total, name).toBeGreaterThan(SEEDS);
  });

  it('replays a seed exactly: same trace, same fingerprint', async () => {
    const traceHash = async (seed: number): Promise<{ trace: number; report: SimulationReport }> => {
      const hash = new Hash53();
      const report = await runSimulation({ seed, trace: (line) => hash.updateString(line) });
      return { trace: hash.digest(), report };
    };
    const first = await traceHash(17);
    const second = await traceHash(17);
    expect(second).toEqual(first);
    expect((await traceHash(18)).report.fingerprint).not.toBe(first.report.fingerprint);
  });
});
