// The bench as a library: the load driver and its statistics, for other tools and tests.
export { HIGHEST_TRACKABLE_US, LatencyHistogram, MAX_RELATIVE_ERROR } from './histogram.js';
export type { HistogramBucket } from './histogram.js';
export type { LoadSpec, ReadConsistency, StopCondition, TargetKind } from './load-spec.js';
export type { Endpoint } from './flag-values.js';
export { parseBenchArgs } from './bench-args.js';
export type { BenchCliOptions, BenchCommand } from './bench-args.js';
export { runLoad } from './run-load.js';
export type { LoadProgress, LoadRun, RunLoadOptions } from './run-load.js';
export { OpStats } from './op-stats.js';
export type { LatencySummaryUs, OpSummary } from './op-stats.js';
export { summarizeRun } from './run-summary.js';
export type { RunSummary } from './run-summary.js';
export { renderRunReport } from './report.js';
export { UsageError } from './usage-error.js';
