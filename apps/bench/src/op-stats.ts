// What happened to one kind of operation (reads or writes) during the measured window.
// Latency is recorded for answered requests only (2xx and not-found): a refused connection
// answers in microseconds and would make a failing server look fast. Errors are counted.
import { LatencyHistogram } from './histogram.js';

export class OpStats {
  readonly latency = new LatencyHistogram();
  ok = 0;
  notFound = 0;
  /** 503 + Location replies that were followed to the named leader. */
  redirects = 0;
  /** By kind: "HTTP <status> <code>", "timeout", "connection <code>". */
  readonly errors = new Map<string, number>();

  recordAnswer(kind: 'ok' | 'notFound', latencyUs: number): void {
    if (kind === 'ok') this.ok += 1;
    else this.notFound += 1;
    this.latency.record(latencyUs);
  }

  recordError(label: string): void {
    this.errors.set(label, (this.errors.get(label) ?? 0) + 1);
  }

  get answered(): number {
    return this.ok + this.notFound;
  }

  get errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }
}

export interface LatencySummaryUs {
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export interface OpSummary {
  readonly answered: number;
  readonly ok: number;
  readonly notFound: number;
  readonly errorCount: number;
  readonly errors: Readonly<Record<string, number>>;
  readonly redirects: number;
  readonly answeredPerS: number;
  readonly latencyUs: LatencySummaryUs;
}

export function summarizeLatency(latency: LatencyHistogram): LatencySummaryUs {
  return {
    min: latency.minUs,
    mean: Math.round(latency.meanUs),
    p50: latency.percentileUs(50),
    p90: latency.percentileUs(90),
    p99: latency.percentileUs(99),
    p999: latency.percentileUs(99.9),
    max: latency.maxUs,
  };
}

export function summarizeOp(stats: OpStats, elapsedS: number): OpSummary {
  return {
    answered: stats.answered,
    ok: stats.ok,
    notFound: stats.notFound,
    errorCount: stats.errorCount,
    errors: Object.fromEntries([...stats.errors].sort(([left], [right]) => left.localeCompare(right))),
    redirects: stats.redirects,
    answeredPerS: elapsedS > 0 ? stats.answered / elapsedS : 0,
    latencyUs: summarizeLatency(stats.latency),
  };
}
