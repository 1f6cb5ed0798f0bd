// The one comparison table: a row per workload; per system the median over rounds of its
// throughput and of its p99; then, per Flotilla system, the median and the range of its
// per-round ratios to the baseline (etcd). A ratio only ever divides two numbers of the same
// round, measured minutes apart, never a fast round of one system by a slow round of the other.
import { formatMs, formatRate } from './format.js';
import type { RunSummary } from './run-summary.js';
import { median, pairedRatios, spreadOf } from './sample-stats.js';
import type { Spread } from './sample-stats.js';

export interface CompareSystem {
  readonly id: string;
  readonly label: string;
}

/** What one round measured: by system id, then by workload name. A system that did not run that round is absent. */
export type RoundRuns = ReadonlyMap<string, ReadonlyMap<string, RunSummary>>;

export interface CompareCell {
  /** Medians over the rounds that measured this cell. */
  readonly answeredPerS: number;
  readonly p99Us: number;
  /** Summed over those rounds. */
  readonly errorCount: number;
  readonly roundCount: number;
}

export interface CompareRatio {
  readonly systemId: string;
  /** Over the per-round ratios system / baseline; undefined when no round measured both sides. */
  readonly throughput: Spread | undefined;
  readonly p99: Spread | undefined;
}

export interface CompareRow {
  readonly workload: string;
  readonly cells: Readonly<Record<string, CompareCell | undefined>>;
  readonly ratios: readonly CompareRatio[];
}

/** The systems set against the baseline; none when the baseline itself is not in the run. */
function comparedSystems(systems: readonly CompareSystem[], baselineId: string): CompareSystem[] {
  if (!systems.some((system) => system.id === baselineId)) return [];
  return systems.filter((system) => system.id !== baselineId);
}

function cellOf(runs: readonly RunSummary[]): CompareCell | undefined {
  if (runs.length === 0) return undefined;
  return {
    answeredPerS: median(runs.map((run) => run.answeredPerS)),
    p99Us: median(runs.map((run) => run.latencyUs.p99)),
    errorCount: runs.reduce((sum, run) => sum + run.errorCount, 0),
    roundCount: runs.length,
  };
}

export function compareRows(workloads: readonly string[], systems: readonly CompareSystem[], rounds: readonly RoundRuns[], baselineId: string): CompareRow[] {
  return workloads.map((workload) => {
    /** Per system, one entry per round (undefined where that round did not measure it). */
    const perRound = (systemId: string) => rounds.map((round) => round.get(systemId)?.get(workload));
    const cells: Record<string, CompareCell | undefined> = {};
    for (const system of systems) {
      cells[system.id] = cellOf(perRound(system.id).filter((run) => run !== undefined));
    }
    const baseline = perRound(baselineId);
    const ratios = comparedSystems(systems, baselineId).map((system) => {
      const runs = perRound(system.id);
      return {
        systemId: system.id,
        throughput: spreadOf(pairedRatios(runs.map((run) => run?.answeredPerS), baseline.map((run) => run?.answeredPerS))),
        p99: spreadOf(pairedRatios(runs.map((run) => run?.latencyUs.p99), baseline.map((run) => run?.latencyUs.p99))),
      };
    });
    return { workload, cells, ratios };
  });
}

const MISSING = '—';

/** `0.52× (0.48-0.61)`: the median ratio, then the range of the rounds' ratios (none for one round). */
function formatRatio(spread: Spread | undefined): string {
  if (spread === undefined) return MISSING;
  const median = `${spread.median.toFixed(2)}×`;
  return spread.count < 2 ? median : `${median} (${spread.min.toFixed(2)}-${spread.max.toFixed(2)})`;
}

/** A `!` marks a cell with errors in some round (listed under the table by the caller). */
export function renderCompareTable(rows: readonly CompareRow[], systems: readonly CompareSystem[], baselineId: string): string {
  const baselineLabel = systems.find((system) => system.id === baselineId)?.label ?? baselineId;
  const others = comparedSystems(systems, baselineId);
  const header = [
    'workload',
    ...systems.flatMap((system) => [`${system.label} req/s`, `${system.label} p99 ms`]),
    ...others.map((system) => `${system.label}/${baselineLabel} req/s`),
    ...others.map((system) => `${system.label}/${baselineLabel} p99`),
  ];
  const body = rows.map((row) => [
    row.workload,
    ...systems.flatMap((system) => {
      const cell = row.cells[system.id];
      if (cell === undefined) return [MISSING, MISSING];
      const mark = cell.errorCount > 0 ? '!' : '';
      return [`${formatRate(cell.answeredPerS)}${mark}`, formatMs(cell.p99Us)];
    }),
    ...row.ratios.map((entry) => formatRatio(entry.throughput)),
    ...row.ratios.map((entry) => formatRatio(entry.p99)),
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...body.map((cells) => cells[column]!.length)));
  const line = (cells: readonly string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join(' | ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('-|-'), ...body.map(line)].join('\n');
}
