// The human-readable report of one load run, in the spirit of etcd's `benchmark` output:
// summary, a latency histogram drawn with text bars, percentiles and errors by kind, for
// reads and writes separately.
import { formatMs, formatRate } from './format.js';
import type { LatencyHistogram } from './histogram.js';
import type { OpStats } from './op-stats.js';
import { summarizeOp } from './op-stats.js';
import type { LoadRun } from './run-load.js';
import { summarizeRun } from './run-summary.js';

const HISTOGRAM_ROWS = 12;
const BAR_WIDTH_CHARS = 40;

/** Rows of geometrically growing latency ranges from min to max, each with a bar. */
export function renderHistogramBars(latency: LatencyHistogram): string[] {
  if (latency.count === 0) return ['    (no answered requests)'];
  const lowUs = Math.max(1, latency.minUs);
  const highUs = latency.maxUs + 1;
  const rows = highUs <= lowUs + 1 ? 1 : HISTOGRAM_ROWS;
  const edgesUs = Array.from({ length: rows + 1 }, (_, row) => (row === rows ? Number.POSITIVE_INFINITY : lowUs * (highUs / lowUs) ** (row / rows)));
  edgesUs[0] = 0;
  const counts = edgesUs.slice(1).map((upperUs, row) => latency.countBetween(edgesUs[row]!, upperUs));
  const largest = Math.max(...counts);
  const countWidth = String(largest).length;
  return counts.map((count, row) => {
    const upperUs = row === rows - 1 ? latency.maxUs : edgesUs[row + 1]!;
    const bar = '∎'.repeat(Math.round((count / largest) * BAR_WIDTH_CHARS));
    return `    ≤ ${formatMs(upperUs).padStart(10)} ms [${String(count).padStart(countWidth)}] ${bar}`;
  });
}

function renderOp(title: string, stats: OpStats, elapsedS: number): string[] {
  const summary = summarizeOp(stats, elapsedS);
  const total = summary.answered + summary.errorCount;
  if (total === 0) return [];
  const latency = summary.latencyUs;
  const lines = [
    `${title}: ${summary.answered} answered (${formatRate(summary.answeredPerS)} req/s), ${summary.notFound} of them not found, ${summary.errorCount} errors, ${summary.redirects} redirects followed`,
    '  latency histogram:',
    ...renderHistogramBars(stats.latency),
    `  latency ms: min ${formatMs(latency.min)}  mean ${formatMs(latency.mean)}  p50 ${formatMs(latency.p50)}  p90 ${formatMs(latency.p90)}  p99 ${formatMs(latency.p99)}  p99.9 ${formatMs(latency.p999)}  max ${formatMs(latency.max)}`,
  ];
  const errorKinds = Object.entries(summary.errors);
  if (errorKinds.length > 0) {
    lines.push('  errors:', ...errorKinds.map(([label, count]) => `    ${String(count).padStart(8)}  ${label}`));
  }
  return lines;
}

export function renderRunReport(run: LoadRun): string {
  const summary = summarizeRun(run);
  const { spec } = run;
  const endpoints = spec.endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`).join(',');
  const consistency = spec.consistency.mode === 'bounded' ? `bounded ${spec.consistency.maxStalenessMs} ms` : spec.consistency.mode;
  return [
    `target ${spec.target} @ ${endpoints}: ${spec.clients} clients, ${spec.connsPerEndpoint} conns/endpoint, read ratio ${spec.readRatio} (${consistency}), ` +
      `${spec.keySizeBytes} B keys ${spec.sequentialKeys ? 'in sequence' : `seeded random (seed ${spec.seed})`} over ${spec.keySpace}, ${spec.valueSizeBytes} B values`,
    `total: ${summary.reads.answered + summary.writes.answered} answered, ${summary.errorCount} errors in ${summary.elapsedS.toFixed(2)} s ` +
      `(after ${spec.warmupS} s warmup) = ${formatRate(summary.answeredPerS)} req/s; generator CPU ${summary.generatorCpuPercent}% of one core`,
    ...renderOp('reads', run.reads, run.elapsedS),
    ...renderOp('writes', run.writes, run.elapsedS),
  ].join('\n');
}
