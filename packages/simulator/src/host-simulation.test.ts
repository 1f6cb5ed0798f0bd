import { Hash53 } from '@flotilla/testkit';
import { describe, expect, it } from 'vitest';
import { runHostSimulation } from './host-simulation.js';
import type { HostSimulationReport } from './host-simulation.js';
import { HOST_SEEDS, runHostSeeds } from './seed-suite.js';

describe('seeded simulation of whole nodes', () => {
  it(`keeps every safety property of every group, stays live and linearizable on seeds 1..${HOST_SEEDS / 2}`, async () => {
    const { failures, totals } = await runHostSeeds(1, HOST_SEEDS / 2);
    expect(failures).toEqual([]);
    // Not vacuous: the runs crashed nodes (during recovery too), moved snapshots, moved leaders and served clients.
    for (const [name, total] of Object.entries(totals)) expect(total, name).toBeGreaterThan(0);
  });

  it('replays a seed exactly: same trace, same fingerprint', async () => {
    const traceHash = async (seed: number): Promise<{ trace: number; report: HostSimulationReport }> => {
      const hash = new Hash53();
      const report = await runHostSimulation({ seed, safetySteps: 300, trace: (line) => hash.updateString(line) });
      return { trace: hash.digest(), report };
    };
    const first = await traceHash(17);
    expect(await traceHash(17)).toEqual(first);
    expect((await traceHash(18)).report.fingerprint).not.toBe(first.report.fingerprint);
  });
});
