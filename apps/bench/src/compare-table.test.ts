import { describe, expect, it } from 'vitest';
import { compareRows, renderCompareTable } from './compare-table.js';
import type { SystemOutcome } from './compare-table.js';
import type { RunSummary } from './run-summary.js';

function summary(answeredPerS: number, p99Us: number, errorCount = 0): RunSummary {
  const latencyUs = { min: 0, mean: 0, p50: 0, p90: 0, p99: p99Us, p999: 0, max: 0 };
  return { answeredPerS, errorCount, latencyUs } as RunSummary;
}

function system(id: string, runs: Record<string, RunSummary>, status: SystemOutcome['status'] = 'ran'): SystemOutcome {
  return { id, label: id, kind: id === 'etcd' ? 'etcd' : 'flotilla', status, note: undefined, runs: new Map(Object.entries(runs)) };
}

describe('compare table', () => {
  const systems = [
    system('etcd', { put: summary(1000, 4000), get: summary(0, 0) }),
    system('f1', { put: summary(500, 8000, 3), get: summary(100, 1000) }),
    system('f12', {}, 'skipped'),
  ];

  it('computes throughput and p99 ratios against the baseline, leaving gaps where a side is missing', () => {
    const rows = compareRows(['put', 'get'], systems, 'etcd');
    expect(rows[0]!.ratios).toEqual([
      { systemId: 'f1', throughput: 0.5, p99: 2 },
      { systemId: 'f12', throughput: undefined, p99: undefined },
    ]);
    expect(rows[1]!.ratios[0]).toEqual({ systemId: 'f1', throughput: undefined, p99: undefined });
    expect(rows[0]!.cells['f1']).toEqual({ answeredPerS: 500, p99Us: 8000, errorCount: 3 });
    expect(rows[0]!.cells['f12']).toBeUndefined();
  });

  it('sets nothing against a baseline that did not take part', () => {
    const flotillaOnly = systems.slice(1);
    const rows = compareRows(['put'], flotillaOnly, 'etcd');
    expect(rows[0]!.ratios).toEqual([]);
    expect(renderCompareTable(rows, flotillaOnly, 'etcd')).not.toContain('/etcd');
  });

  it('renders one aligned line per workload and marks cells with errors', () => {
    const text = renderCompareTable(compareRows(['put', 'get'], systems, 'etcd'), systems, 'etcd');
    const lines = text.split('\n');
    expect(lines).toHaveLength(4);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[0]).toContain('f1/etcd req/s');
    expect(lines[2]).toMatch(/^put .*\| +1,000 \| +4\.000 \| +500! \| +8\.000 \| +— \| +— \| +0\.50× \| +— \| +2\.00× \| +—$/);
  });
});
