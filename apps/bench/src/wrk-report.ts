// The JSON line that lua/wrk-kv.lua prints from wrk's done(), read back into the bench's own
// run summary so that wrk runs and the bench's generator fill the same comparison table.
import type { LoadSpec } from './load-spec.js';
import type { LatencySummaryUs, OpSummary } from './op-stats.js';
import type { RunSummary } from './run-summary.js';

export interface WrkReport {
  readonly requests: number;
  readonly durationUs: number;
  readonly errors: { readonly connect: number; readonly read: number; readonly write: number; readonly status: number; readonly timeout: number };
  readonly latencyUs: LatencySummaryUs;
  /** Answers by HTTP status; `notFound` counts etcd's 200 ranges that found no key. */
  readonly statuses: Readonly<Record<string, number>>;
  /** wrk's own CPU time over the run, in clock ticks. */
  readonly cpuTicks: number;
}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

function countsOf(value: unknown, names: readonly string[], what: string): Record<string, number> {
  if (typeof value !== 'object' || value === null) throw new Error(`wrk report: ${what} is not an object`);
  const record = value as Record<string, unknown>;
  const counts: Record<string, number> = {};
  for (const name of names) {
    const count = record[name];
    if (!isCount(count)) throw new Error(`wrk report: ${what}.${name} is not a count`);
    counts[name] = count;
  }
  return counts;
}

/** The last line of wrk's output that is a JSON object: the script's report. */
export function parseWrkReport(output: string): WrkReport {
  const line = output
    .split('\n')
    .map((text) => text.trim())
    .filter((text) => text.startsWith('{'))
    .at(-1);
  if (line === undefined) throw new Error('wrk printed no report line (did the script fail? see its output)');
  const parsed = JSON.parse(line) as Record<string, unknown>;
  const top = countsOf(parsed, ['requests', 'durationUs'], 'report');
  const statuses = parsed['statuses'];
  if (typeof statuses !== 'object' || statuses === null) throw new Error('wrk report: statuses is not an object');
  const cpuTicks = parsed['cpuTicks'];
  if (typeof cpuTicks !== 'number') throw new Error('wrk report: cpuTicks is not a number');
  return {
    requests: top['requests'] as number,
    durationUs: top['durationUs'] as number,
    errors: countsOf(parsed['errors'], ['connect', 'read', 'write', 'status', 'timeout'], 'errors') as unknown as WrkReport['errors'],
    latencyUs: countsOf(parsed['latencyUs'], ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'], 'latencyUs') as unknown as LatencySummaryUs,
    statuses: countsOf(statuses, Object.keys(statuses), 'statuses'),
    cpuTicks,
  };
}

const NOT_FOUND_STATUS = '404';
const NOT_FOUND_RANGE = 'notFound';

/**
 * The report as the bench's summary of one operation kind. A 2xx is an answer, and so is a
 * not-found (Flotilla's 404, etcd's empty range); every other status and every socket error or
 * timeout is an error. wrk keeps one latency histogram for all responses, errors included.
 */
export function summarizeWrkReport(report: WrkReport, spec: LoadSpec, op: 'read' | 'write', clockTicksPerS: number): RunSummary {
  const elapsedS = report.durationUs / 1_000_000;
  let ok = 0;
  let notFound = report.statuses[NOT_FOUND_RANGE] ?? 0;
  const errors: Record<string, number> = {};
  for (const [status, count] of Object.entries(report.statuses)) {
    if (status === NOT_FOUND_RANGE) continue;
    if (status === NOT_FOUND_STATUS) notFound += count;
    else if (status.startsWith('2')) ok += count;
    else errors[`HTTP ${status}`] = count;
  }
  // etcd's empty ranges were counted as 200s too.
  ok -= report.statuses[NOT_FOUND_RANGE] ?? 0;
  for (const kind of ['connect', 'read', 'write', 'timeout'] as const) {
    if (report.errors[kind] > 0) errors[kind === 'timeout' ? 'timeout' : `connection ${kind}`] = report.errors[kind];
  }
  const errorCount = Object.values(errors).reduce((sum, count) => sum + count, 0);
  const answered = ok + notFound;
  const answeredPerS = elapsedS > 0 ? answered / elapsedS : 0;
  const measured: OpSummary = { answered, ok, notFound, errorCount, errors, redirects: 0, answeredPerS, latencyUs: report.latencyUs };
  const idle: OpSummary = {
    answered: 0,
    ok: 0,
    notFound: 0,
    errorCount: 0,
    errors: {},
    redirects: 0,
    answeredPerS: 0,
    latencyUs: { min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 },
  };
  return {
    spec,
    elapsedS,
    answeredPerS,
    errorCount,
    generatorCpuPercent: elapsedS > 0 ? Math.round((100 * report.cpuTicks) / clockTicksPerS / elapsedS) : 0,
    latencyUs: report.latencyUs,
    reads: op === 'read' ? measured : idle,
    writes: op === 'write' ? measured : idle,
  };
}
