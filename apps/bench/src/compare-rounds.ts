// Runs the compare plan round after round. Each round starts every system afresh (new
// cluster, new data dirs) in a rotated order, with the page cache flushed around each cluster,
// so that neither a slow disk phase nor the previous system's writeback lands on one system only.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompareOptions } from './compare-args.js';
import type { LoadSpec } from './load-spec.js';
import type { SystemPlan } from './compare-plan.js';
import { remainingRunS } from './expected-run-time.js';
import { formatDurationS } from './format.js';
import type { RunningCluster } from './local-cluster.js';
import type { PageCacheFlusher } from './page-cache-flusher.js';
import { createProgressPrinter } from './progress.js';
import { rotatedOrder } from './round-order.js';
import { runLoad } from './run-load.js';
import { summarizeRun } from './run-summary.js';
import type { RunSummary } from './run-summary.js';
import { preloadSpec, workloadSpec, workloadsOf } from './workloads.js';
import { runWrk } from './wrk-run.js';

/** One system's part in one round. */
export interface SystemTurn {
  readonly systemId: string;
  readonly status: 'ran' | 'failed';
  /** Why it failed. */
  readonly note: string | undefined;
  /** By workload name. */
  readonly runs: ReadonlyMap<string, RunSummary>;
}

export interface CompareRound {
  /** From 1. */
  readonly round: number;
  /** In the order they ran. */
  readonly turns: readonly SystemTurn[];
}

export interface RoundsContext {
  /** Data dirs to remove if the run is interrupted. */
  readonly tempDirs: Set<string>;
  readonly flusher: PageCacheFlusher;
  /** The wrk binary, when the run's generator is wrk. */
  readonly wrkPath: string | undefined;
}

/**
 * A workload under wrk: first run for the warmup and thrown away (the settle rule, the same for
 * every system), then run again and measured.
 */
async function runWrkWorkload(wrkPath: string, spec: LoadSpec, options: CompareOptions, label: string): Promise<RunSummary> {
  const op = spec.readRatio === 1 ? 'read' : 'write';
  if (options.warmupS > 0) await runWrk({ wrkPath, spec, op, durationS: options.warmupS });
  process.stderr.write(`${label}: measuring for ${options.durationS} s\n`);
  return runWrk({ wrkPath, spec, op, durationS: options.durationS });
}

async function runWorkloads(plan: SystemPlan, cluster: RunningCluster, options: CompareOptions, context: RoundsContext, label: string): Promise<Map<string, RunSummary>> {
  const runs = new Map<string, RunSummary>();
  const shape = { target: plan.kind, endpoints: cluster.endpoints, seed: options.seed };
  let preloaded = false;
  for (const workload of workloadsOf(options.generator)) {
    if (workload.readsPreloadedKeys && !preloaded) {
      const preload = await runLoad(preloadSpec(shape));
      const failed = preload.writes.errorCount;
      if (failed > 0) process.stderr.write(`${label}: ${failed} preload puts failed; reads of those keys will count as not found\n`);
      preloaded = true;
    }
    if (context.wrkPath !== undefined) {
      const spec = workloadSpec(workload, shape, options.durationS, 0);
      runs.set(workload.name, await runWrkWorkload(context.wrkPath, spec, options, `${label} ${workload.name}`));
      continue;
    }
    const progress = createProgressPrinter(`${label} ${workload.name}`);
    const run = await runLoad(workloadSpec(workload, shape, options.durationS, options.warmupS), {
      onProgress: (sample) => progress.update(sample),
      progressIntervalMs: progress.intervalMs,
    });
    progress.finish();
    runs.set(workload.name, summarizeRun(run));
  }
  return runs;
}

async function runTurn(plan: SystemPlan, round: number, options: CompareOptions, context: RoundsContext): Promise<SystemTurn> {
  const label = `${plan.label} round ${round}/${options.rounds}`;
  const baseDir = mkdtempSync(join(tmpdir(), `bench-${plan.id}-r${round}-`));
  context.tempDirs.add(baseDir);
  process.stderr.write(`${label}: starting 3 members (data and logs in ${baseDir})\n`);
  let cluster: RunningCluster;
  try {
    cluster = await plan.start(baseDir);
  } catch (error) {
    // Keep the logs of a cluster that would not start: they are the explanation.
    context.tempDirs.delete(baseDir);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${label}: failed to start: ${message}\n`);
    await context.flusher.flush();
    return { systemId: plan.id, status: 'failed', note: `did not start (logs in ${baseDir})`, runs: new Map() };
  }
  let runs: Map<string, RunSummary>;
  try {
    runs = await runWorkloads(plan, cluster, options, context, label);
  } finally {
    await cluster.stop();
  }
  if (!options.keepData) {
    rmSync(baseDir, { recursive: true, force: true });
    context.tempDirs.delete(baseDir);
  }
  // After the removal, so the flush also covers the deletion's own metadata writes.
  await context.flusher.flush();
  return { systemId: plan.id, status: 'ran', note: undefined, runs };
}

/** `plans`: the systems that can run; each takes a turn in every round. */
export async function runRounds(plans: readonly SystemPlan[], options: CompareOptions, context: RoundsContext): Promise<CompareRound[]> {
  const rounds: CompareRound[] = [];
  const startedMs = performance.now();
  // Every later cluster starts right after the previous one's closing flush.
  await context.flusher.flush();
  for (let index = 0; index < options.rounds; index += 1) {
    const turns: SystemTurn[] = [];
    for (const plan of rotatedOrder(plans, index)) turns.push(await runTurn(plan, index + 1, options, context));
    rounds.push({ round: index + 1, turns });
    const elapsedS = (performance.now() - startedMs) / 1000;
    const leftS = remainingRunS(elapsedS, index + 1, options.rounds);
    process.stderr.write(`round ${index + 1}/${options.rounds} done after ${formatDurationS(elapsedS)}${leftS > 0 ? `; about ${formatDurationS(leftS)} to go` : ''}\n`);
  }
  return rounds;
}
