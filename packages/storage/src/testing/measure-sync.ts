// Measures synced group-commit batches on this machine, after `pnpm build`:
//   pnpm --filter @flotilla/storage build:tools && node packages/storage/dist-tools/measure-sync.js [dir]
// A benchmark script, never run by tests; the numbers go into reports, not assertions.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Entry, GroupId, NodeId } from '@flotilla/raft';
import { LevelNodeStore } from '@flotilla/storage';

const BATCHES_PER_CASE = 300;
const WARMUP_BATCHES = 20;
const ENTRY_DATA_BYTES = 256;

interface Case {
  readonly label: string;
  readonly groups: number;
  readonly entriesPerGroup: number;
}

const cases: Case[] = [
  { label: '1 entry (1 group)', groups: 1, entriesPerGroup: 1 },
  { label: '100 entries (100 groups x 1)', groups: 100, entriesPerGroup: 1 },
  { label: '100 entries (1 group x 100)', groups: 1, entriesPerGroup: 100 },
];

async function measure(store: LevelNodeStore, spec: Case, groupBase: number): Promise<number[]> {
  const lastIndex = new Map<number, number>();
  const latenciesUs: number[] = [];
  for (let round = 0; round < WARMUP_BATCHES + BATCHES_PER_CASE; round++) {
    const batch = store.newBatch();
    for (let g = 0; g < spec.groups; g++) {
      const id = groupBase + g;
      const previous = lastIndex.get(id) ?? 0;
      const entries: Entry[] = Array.from({ length: spec.entriesPerGroup }, (_, i) => ({
        index: previous + i + 1,
        term: 1,
        type: 1,
        data: new Uint8Array(ENTRY_DATA_BYTES),
      }));
      batch.appendEntries(id as GroupId, entries, previous).setHardState(id as GroupId, { term: 1, vote: 1 as NodeId, commit: previous });
      lastIndex.set(id, previous + spec.entriesPerGroup);
    }
    const started = process.hrtime.bigint();
    await store.writeBatch(batch, { sync: true });
    if (round >= WARMUP_BATCHES) latenciesUs.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return latenciesUs;
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;

const dir = process.argv[2] ?? (await mkdtemp(join(tmpdir(), 'flotilla-measure-')));
const store = await LevelNodeStore.open(dir);
try {
  console.log(`dir ${dir}; ${BATCHES_PER_CASE} synced batches per case, ${ENTRY_DATA_BYTES}-byte entries`);
  for (const [i, spec] of cases.entries()) {
    const latenciesUs = await measure(store, spec, i * 1000 + 1);
    const sorted = [...latenciesUs].sort((a, b) => a - b);
    const meanUs = latenciesUs.reduce((sum, us) => sum + us, 0) / latenciesUs.length;
    console.log(
      `${spec.label.padEnd(30)} ${(1e6 / meanUs).toFixed(0).padStart(6)} batches/s  mean ${meanUs.toFixed(0)} us  p50 ${percentile(sorted, 0.5).toFixed(0)} us  p99 ${percentile(sorted, 0.99).toFixed(0)} us`,
    );
  }
} finally {
  await store.close();
  if (process.argv[2] === undefined) await rm(dir, { recursive: true, force: true });
}
