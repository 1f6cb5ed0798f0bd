import { runHostSimulation } from './host-simulation.js';
import type { HostCounters, HostSimulationReport } from './host-simulation.js';

/** Whole nodes cost far more per step than the core alone: fewer seeds, shorter runs, than the core's 500. */
export const HOST_SEEDS = 100;
export const HOST_SAFETY_STEPS = 1000;

/** Runs seeds `from..to`, returns the failures (each names its seed and replay command) and summed counters. */
export async function runHostSeeds(from: number, to: number): Promise<{ failures: string[]; totals: Record<string, number> }> {
  const failures: string[] = [];
  const totals: Record<string, number> = {};
  for (let seed = from; seed <= to; seed++) {
    let report: HostSimulationReport;
    try {
      report = await runHostSimulation({ seed, safetySteps: HOST_SAFETY_STEPS });
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
      continue;
    }
    for (const key of Object.keys(report.counters) as (keyof HostCounters)[]) totals[key] = (totals[key] ?? 0) + report.counters[key];
    totals['leaderTerms'] = (totals['leaderTerms'] ?? 0) + report.leaderTerms;
    totals['operations'] = (totals['operations'] ?? 0) + report.operations;
  }
  return { failures, totals };
}
