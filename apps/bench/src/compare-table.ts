// The one comparison table: a row per workload, per system its throughput and p99, then the
// ratios of each Flotilla system to the baseline (etcd).
import { formatMs, formatRate } from './format.js';
import type { TargetKind } from './load-spec.js';
import type { RunSummary } from './run-summary.js';

export interface SystemOutcome {
  readonly id: string;
  readonly label: string;
  readonly kind: TargetKind;
  readonly status: 'ran' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  readonly note: string | undefined;
  /** By workload name. */
  readonly runs: ReadonlyMap<string, RunSummary>;
}

export interface CompareCell {
  readonly answeredPerS: number;
  readonly p99Us: number;
  readonly errorCount: number;
}

export interface CompareRatio {
  readonly systemId: string;
  /** system / baseline; undefined when either side is missing or the baseline is 0. */
  readonly throughput: number | undefined;
  readonly p99: number | undefined;
}

export interface CompareRow {
  readonly workload: string;
  readonly cells: Readonly<Record<string, CompareCell | undefined>>;
  readonly ratios: readonly CompareRatio[];
}

const ratio = (value: number | undefined, baseline: number | undefined): number | undefined =>
  value === undefined || baseline === undefined || baseline === 0 ? undefined : value / baseline;

/** The systems set against the baseline; none when the baseline itself is not in the run. */
function comparedSystems(systems: readonly SystemOutcome[], baselineId: string): SystemOutcome[] {
  if (!systems.some((system) => system.id === baselineId)) return [];
  return systems.filter((system) => system.id !== baselineId);
}

export function compareRows(workloads: readonly string[], systems: readonly SystemOutcome[], baselineId: string): CompareRow[] {
  return workloads.map((workload) => {
    const cells: Record<string, CompareCell | undefined> = {};
    for (const system of systems) {
      const run = system.runs.get(workload);
      cells[system.id] = run === undefined ? undefined : { answeredPerS: run.answeredPerS, p99Us: run.latencyUs.p99, errorCount: run.errorCount };
    }
    const baseline = cells[baselineId];
    const ratios = comparedSystems(systems, baselineId)
      .map((system) => ({
        systemId: system.id,
        throughput: ratio(cells[system.id]?.answeredPerS, baseline?.answeredPerS),
        p99: ratio(cells[system.id]?.p99Us, baseline?.p99Us),
      }));
    return { workload, cells, ratios };
  });
}

const MISSING = '—';
const formatRatio = (value: number | undefined): string => (value === undefined ? MISSING : `${value.toFixed(2)}×`);

/** A `!` marks a cell whose run had errors (listed under the table by the caller). */
export function renderCompareTable(rows: readonly CompareRow[], systems: readonly SystemOutcome[], baselineId: string): string {
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
