import { describe, expect, it } from 'vitest';
import { compareRows, renderCompareTable } from './compare-table.js';
import type { RoundRuns } from './compare-table.js';
import type { RunSummary } from './run-summary.js';

function summary(answeredPerS: number, p99Us: number, errorCount = 0): RunSummary {
  const latencyUs = { min: 0, mean: 0, p50: 0, p90: 0, p99: p99Us, p999: 0, max: 0 };
  return { answeredPerS, errorCount, latencyUs } as RunSummary;
}

function round(systems: Record<string, Record<string, RunSummary>>): RoundRuns {
  return new Map(Object.entries(systems).map(([id, runs]) => [id, new Map(Object.entries(runs))]));
}

describe('compare table', () => {
  const systems = [
    { id: 'etcd', label: 'etcd' },
    { id: 'f1', label: 'f1' },
    { id: 'f12', label: 'f12' },
  ];
  // f12 never ran; etcd did not start in round 3, so its get cell and the get ratios rest on rounds 1 and 2.
  const rounds = [
    round({ etcd: { put: summary(1000, 4000), get: summary(100, 1000) }, f1: { put: summary(500, 8000, 3), get: summary(200, 2000) } }),
    round({ etcd: { put: summary(2000, 2000), get: summary(300, 3000) }, f1: { put: summary(3000, 3000), get: summary(300, 1500) } }),
    round({ etcd: { put: summary(4000, 1000) }, f1: { put: summary(2000, 1500), get: summary(900, 900) } }),
  ];

  it('shows per cell the median over rounds of req/s and of p99, with errors summed', () => {
    const [put, get] = compareRows(['put', 'get'], systems, rounds, 'etcd');
    expect(put!.cells['etcd']).toEqual({ answeredPerS: 2000, p99Us: 2000, errorCount: 0, roundCount: 3 });
    expect(put!.cells['f1']).toEqual({ answeredPerS: 2000, p99Us: 3000, errorCount: 3, roundCount: 3 });
    expect(get!.cells['etcd']).toEqual({ answeredPerS: 200, p99Us: 2000, errorCount: 0, roundCount: 2 });
    expect(put!.cells['f12']).toBeUndefined();
  });

  it('takes the median and range of the per-round ratios, never dividing across rounds', () => {
    const [put, get] = compareRows(['put', 'get'], systems, rounds, 'etcd');
    // Per round: req/s 0.5, 1.5, 0.5; p99 2, 1.5, 1.5. (The ratio of the medians would be 1 and 1.5.)
    expect(put!.ratios).toEqual([
      { systemId: 'f1', throughput: { median: 0.5, min: 0.5, max: 1.5, count: 3 }, p99: { median: 1.5, min: 1.5, max: 2, count: 3 } },
      { systemId: 'f12', throughput: undefined, p99: undefined },
    ]);
    // Round 3 has no etcd get, so only rounds 1 and 2 give a ratio: req/s 2 and 1, p99 2 and 0.5.
    expect(get!.ratios[0]).toEqual({ systemId: 'f1', throughput: { median: 1.5, min: 1, max: 2, count: 2 }, p99: { median: 1.25, min: 0.5, max: 2, count: 2 } });
  });

  it('gives no ratio against a baseline that answered nothing', () => {
    const [row] = compareRows(['get'], systems, [round({ etcd: { get: summary(0, 0) }, f1: { get: summary(100, 1000) } })], 'etcd');
    expect(row!.ratios[0]).toEqual({ systemId: 'f1', throughput: undefined, p99: undefined });
  });

  it('sets nothing against a baseline that did not take part', () => {
    const flotillaOnly = systems.slice(1);
    const rows = compareRows(['put'], flotillaOnly, rounds, 'etcd');
    expect(rows[0]!.ratios).toEqual([]);
    expect(renderCompareTable(rows, flotillaOnly, 'etcd')).not.toContain('/etcd');
  });

  it('renders one aligned line per workload, marks cells with errors and shows the ratio ranges', () => {
    const text = renderCompareTable(compareRows(['put', 'get'], systems, rounds, 'etcd'), systems, 'etcd');
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[0]).toContain('f1/etcd req/s');
    expect(lines[2]).toMatch(/^put .*\| +2,000 \| +2\.000 \| +2,000! \| +3\.000 \| +— \| +— \| +0\.50× \(0\.50-1\.50\) \| +— \| +1\.50× \(1\.50-2\.00\) \| +—$/);
  });

  it('shows a single round without a range', () => {
    const text = renderCompareTable(compareRows(['put'], systems, rounds.slice(0, 1), 'etcd'), systems, 'etcd');
    expect(text.split('\n')[2]).toMatch(/\| +0\.50× \| +— \| +2\.00× \| +—$/);
  });
});
