// The newest compare result on disk, read back so the self-test can set the generator's
// capacity beside what the real servers reached, without any number written into the code.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BestThroughput {
  readonly system: string;
  readonly workload: string;
  readonly answeredPerS: number;
}

export interface LatestResults {
  readonly path: string;
  readonly best: readonly BestThroughput[];
}

interface StoredRow {
  readonly workload?: unknown;
  readonly cells?: Record<string, { readonly answeredPerS?: unknown } | null>;
}

export function latestCompareResults(dir: string): LatestResults | undefined {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.endsWith('.json'));
  } catch {
    return undefined;
  }
  // File names are ISO timestamps, so the last in order is the newest.
  const newest = names.sort().at(-1);
  if (newest === undefined) return undefined;
  const path = join(dir, newest);
  const stored = JSON.parse(readFileSync(path, 'utf8')) as { table?: readonly StoredRow[] };
  const best = new Map<string, BestThroughput>();
  for (const row of stored.table ?? []) {
    for (const [system, cell] of Object.entries(row.cells ?? {})) {
      const answeredPerS = cell?.answeredPerS;
      if (typeof answeredPerS !== 'number' || typeof row.workload !== 'string') continue;
      if (answeredPerS > (best.get(system)?.answeredPerS ?? -1)) best.set(system, { system, workload: row.workload, answeredPerS });
    }
  }
  return { path, best: [...best.values()] };
}
