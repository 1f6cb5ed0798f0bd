// `pnpm bench:compare`: starts a fresh 3-node etcd, a 3-node Flotilla with 1 shard and one
// with 12 shards, one after the other, runs the same workloads against each, and prints one
// table. The generator runs in this process; every server it started is stopped on success,
// on error and on Ctrl-C.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { withoutLeadingSeparator } from './argv.js';
import { ChildGroup } from './child-group.js';
import { COMPARE_USAGE, parseCompareArgs } from './compare-args.js';
import type { CompareOptions } from './compare-args.js';
import { startEtcdCluster, startFlotillaCluster } from './compare-clusters.js';
import { compareRows, renderCompareTable } from './compare-table.js';
import type { SystemOutcome } from './compare-table.js';
import { findOnPath } from './find-on-path.js';
import { DEFAULT_SERVER_MAIN } from './flotilla-command.js';
import type { RunningCluster } from './local-cluster.js';
import type { TargetKind } from './load-spec.js';
import { createProgressPrinter } from './progress.js';
import { runLoad } from './run-load.js';
import { summarizeRun } from './run-summary.js';
import type { RunSummary } from './run-summary.js';
import { UsageError } from './usage-error.js';
import { COMPARE_WORKLOADS, KEY_SIZE_BYTES, PRELOAD_NOTE, preloadSpec, VALUE_SIZE_BYTES, workloadSpec } from './workloads.js';

const BASELINE_ID = 'etcd';
const FLOTILLA_SHARD_COUNTS = [1, 12];

interface SystemPlan {
  readonly id: string;
  readonly label: string;
  readonly kind: TargetKind;
  /** Why it cannot run, found before anything starts. */
  readonly unavailable: string | undefined;
  readonly start: (group: ChildGroup, baseDir: string) => Promise<RunningCluster>;
}

function planSystems(options: CompareOptions): SystemPlan[] {
  const plans: SystemPlan[] = [];
  if (options.only !== 'flotilla') {
    const etcdPath = options.etcdPath ?? findOnPath('etcd');
    if (options.only === 'etcd' && etcdPath === undefined) throw new UsageError('--only etcd, but there is no etcd on PATH (or give --etcd PATH)');
    plans.push({
      id: BASELINE_ID,
      label: 'etcd',
      kind: 'etcd',
      unavailable: etcdPath === undefined ? 'no etcd on PATH' : undefined,
      start: (group, baseDir) => startEtcdCluster(group, baseDir, etcdPath ?? 'etcd'),
    });
  }
  if (options.only !== 'etcd') {
    const serverMain = resolve(options.serverMain ?? DEFAULT_SERVER_MAIN);
    for (const shards of FLOTILLA_SHARD_COUNTS) {
      plans.push({
        id: `flotilla-${shards}`,
        label: `F×${shards}`,
        kind: 'flotilla',
        unavailable: existsSync(serverMain) ? undefined : `${serverMain} not found (build apps/server first)`,
        start: (group, baseDir) => startFlotillaCluster(group, baseDir, serverMain, shards),
      });
    }
  }
  return plans;
}

function etcdVersion(etcdPath: string | undefined): string | undefined {
  if (etcdPath === undefined) return undefined;
  try {
    return execFileSync(etcdPath, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
}

async function runSystem(plan: SystemPlan, cluster: RunningCluster, options: CompareOptions): Promise<Map<string, RunSummary>> {
  const runs = new Map<string, RunSummary>();
  const shape = { target: plan.kind, endpoints: cluster.endpoints, seed: options.seed };
  let preloaded = false;
  for (const workload of COMPARE_WORKLOADS) {
    if (workload.readsPreloadedKeys && !preloaded) {
      const preload = await runLoad(preloadSpec(shape));
      const failed = preload.writes.errorCount;
      if (failed > 0) process.stderr.write(`${plan.label}: ${failed} preload puts failed; reads of those keys will count as not found\n`);
      preloaded = true;
    }
    const progress = createProgressPrinter(`${plan.label} ${workload.name}`);
    const run = await runLoad(workloadSpec(workload, shape, options.durationS, options.warmupS), {
      onProgress: (sample) => progress.update(sample),
      progressIntervalMs: progress.intervalMs,
    });
    progress.finish();
    runs.set(workload.name, summarizeRun(run));
  }
  return runs;
}

async function runAll(options: CompareOptions, group: ChildGroup, tempDirs: Set<string>): Promise<SystemOutcome[]> {
  const outcomes: SystemOutcome[] = [];
  for (const plan of planSystems(options)) {
    const base = { id: plan.id, label: plan.label, kind: plan.kind };
    if (plan.unavailable !== undefined) {
      outcomes.push({ ...base, status: 'skipped', note: plan.unavailable, runs: new Map() });
      continue;
    }
    const baseDir = mkdtempSync(join(tmpdir(), `bench-${plan.id}-`));
    tempDirs.add(baseDir);
    process.stderr.write(`${plan.label}: starting 3 members (data and logs in ${baseDir})\n`);
    let cluster: RunningCluster;
    try {
      cluster = await plan.start(group, baseDir);
    } catch (error) {
      // Keep the logs of a cluster that would not start: they are the explanation.
      tempDirs.delete(baseDir);
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`${plan.label}: failed to start: ${message}\n`);
      outcomes.push({ ...base, status: 'failed', note: `did not start (logs in ${baseDir})`, runs: new Map() });
      continue;
    }
    try {
      outcomes.push({ ...base, status: 'ran', note: undefined, runs: await runSystem(plan, cluster, options) });
    } finally {
      await cluster.stop();
    }
    if (!options.keepData) {
      rmSync(baseDir, { recursive: true, force: true });
      tempDirs.delete(baseDir);
    }
  }
  return outcomes;
}

function notes(options: CompareOptions, outcomes: readonly SystemOutcome[]): string[] {
  const allRuns = outcomes.flatMap((outcome) => [...outcome.runs.values()]);
  const peakCpu = Math.max(0, ...allRuns.map((run) => run.generatorCpuPercent));
  const lines = [
    `cells: answered requests/s and p99 latency over ${options.durationS} s after ${options.warmupS} s warmup; ${KEY_SIZE_BYTES} B keys, ${VALUE_SIZE_BYTES} B values; each client on its own keep-alive socket, clients spread over the 3 members`,
    PRELOAD_NOTE,
    `cores: the generator runs in this process (one thread) beside the 3 server processes, all sharing ${availableParallelism()} cores; ` +
      `it used at most ${peakCpu}% of one core (its capacity: pnpm bench:selftest). etcd is driven through its v3 JSON gateway, Flotilla through its HTTP API`,
  ];
  for (const outcome of outcomes) {
    if (outcome.note !== undefined) lines.push(`${outcome.label}: ${outcome.status}: ${outcome.note}`);
    for (const [workload, run] of outcome.runs) {
      const errors = { ...run.reads.errors, ...run.writes.errors };
      for (const [label, count] of Object.entries(errors)) lines.push(`! ${outcome.label} ${workload}: ${count} × ${label}`);
      const notFound = run.reads.notFound;
      if (notFound > 0) lines.push(`${outcome.label} ${workload}: ${notFound} reads found no key`);
    }
  }
  return lines;
}

async function main(group: ChildGroup, tempDirs: Set<string>): Promise<number> {
  const command = parseCompareArgs(withoutLeadingSeparator(process.argv.slice(2)));
  if (command.kind === 'help') {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  const options = command.options;
  const startedAt = new Date();
  const outcomes = await runAll(options, group, tempDirs);
  const workloadNames = COMPARE_WORKLOADS.map((workload) => workload.name);
  const rows = compareRows(workloadNames, outcomes, BASELINE_ID);
  const noteLines = notes(options, outcomes);
  const result = {
    startedAt: startedAt.toISOString(),
    host: { cores: availableParallelism(), node: process.version, etcd: etcdVersion(options.etcdPath ?? findOnPath('etcd')) },
    durationS: options.durationS,
    warmupS: options.warmupS,
    notes: noteLines,
    table: rows,
    systems: outcomes.map((outcome) => ({ ...outcome, runs: Object.fromEntries(outcome.runs) })),
  };
  mkdirSync(options.outDir, { recursive: true });
  const outPath = join(options.outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${renderCompareTable(rows, outcomes, BASELINE_ID)}\n\n${noteLines.join('\n')}\n`);
  }
  process.stderr.write(`results written to ${outPath}\n`);
  return outcomes.some((outcome) => outcome.status === 'ran') ? 0 : 1;
}

const group = new ChildGroup();
const tempDirs = new Set<string>();
const removeTempDirs = () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
};

process.on('exit', () => group.killAllNow());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping every server started\n`);
    void group.stop().finally(() => {
      removeTempDirs();
      process.exit(130);
    });
  });
}

main(group, tempDirs).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    await group.stop();
    if (error instanceof UsageError) {
      process.stderr.write(`bench:compare: ${error.message}\n(run with --help for the flags)\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`bench:compare failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
