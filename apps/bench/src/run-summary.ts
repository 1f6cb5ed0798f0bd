// The plain-JSON view of a load run: what `--json` prints and compare stores.
import { LatencyHistogram } from './histogram.js';
import type { LoadSpec } from './load-spec.js';
import { summarizeLatency, summarizeOp } from './op-stats.js';
import type { LatencySummaryUs, OpSummary } from './op-stats.js';
import type { LoadRun } from './run-load.js';

export interface RunSummary {
  readonly spec: LoadSpec;
  readonly elapsedS: number;
  /** Answered (2xx or not-found) reads and writes per second; errors are not throughput. */
  readonly answeredPerS: number;
  readonly errorCount: number;
  readonly generatorCpuPercent: number;
  /** Reads and writes together. */
  readonly latencyUs: LatencySummaryUs;
  readonly reads: OpSummary;
  readonly writes: OpSummary;
}

export function combinedLatency(run: LoadRun): LatencyHistogram {
  const combined = new LatencyHistogram();
  combined.merge(run.reads.latency);
  combined.merge(run.writes.latency);
  return combined;
}

export function summarizeRun(run: LoadRun): RunSummary {
  const answered = run.reads.answered + run.writes.answered;
  return {
    spec: run.spec,
    elapsedS: run.elapsedS,
    answeredPerS: run.elapsedS > 0 ? answered / run.elapsedS : 0,
    errorCount: run.reads.errorCount + run.writes.errorCount,
    generatorCpuPercent: Math.round(run.generatorCpuPercent),
    latencyUs: summarizeLatency(combinedLatency(run)),
    reads: summarizeOp(run.reads, run.elapsedS),
    writes: summarizeOp(run.writes, run.elapsedS),
  };
}
