// `pnpm bench:compare`: runs a fresh 3-node etcd, a 3-node Flotilla with 1 shard and one with
// 12 shards, one after the other, the same workloads against each, for several rounds, and
// prints one table of medians. The generator runs in this process; every server it started is
// stopped on success, on error and on Ctrl-C.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { withoutLeadingSeparator } from './argv.js';
import { COMPARE_USAGE, parseCompareArgs } from './compare-args.js';
import type { CompareOptions } from './compare-args.js';
import { BASELINE_ID, planSystems } from './compare-plan.js';
import type { SystemPlan } from './compare-plan.js';
import { runRounds } from './compare-rounds.js';
import type { CompareRound } from './compare-rounds.js';
import { compareRows, renderCompareTable } from './compare-table.js';
import { expectedRunS } from './expected-run-time.js';
import { findOnPath } from './find-on-path.js';
import { formatDurationS } from './format.js';
import { stopEveryServer } from './local-cluster.js';
import { PageCacheFlusher } from './page-cache-flusher.js';
import { UsageError } from './usage-error.js';
import { KEY_SIZE_BYTES, PRELOAD_NOTE, VALUE_SIZE_BYTES, workloadsOf } from './workloads.js';

/**
 * A rough figure for the time estimate only (never for a result): per cluster per round, the
 * start until every member is ready, the read preload, the stop and the syncs around them.
 */
const CLUSTER_OVERHEAD_ESTIMATE_S = 10;

function etcdVersion(etcdPath: string | undefined): string | undefined {
  if (etcdPath === undefined) return undefined;
  try {
    return execFileSync(etcdPath, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  } catch {
    return undefined;
  }
}

function notes(options: CompareOptions, plans: readonly SystemPlan[], rounds: readonly CompareRound[], flusher: PageCacheFlusher): string[] {
  const labelOf = (systemId: string) => plans.find((plan) => plan.id === systemId)?.label ?? systemId;
  const allRuns = rounds.flatMap((round) => round.turns.flatMap((turn) => [...turn.runs.values()]));
  const peakCpu = Math.max(0, ...allRuns.map((run) => run.generatorCpuPercent));
  const orders = rounds.map((round) => `${round.round}: ${round.turns.map((turn) => labelOf(turn.systemId)).join(', ')}`);
  const lines = [
    `cells: medians over ${options.rounds} round${options.rounds === 1 ? '' : 's'} of answered requests/s and of p99 latency, each measured over ${options.durationS} s after ${options.warmupS} s warmup; ` +
      `${KEY_SIZE_BYTES} B keys, ${VALUE_SIZE_BYTES} B values; each client on its own keep-alive socket, clients spread over the 3 members`,
    `ratios: each round's Flotilla cell divided by the same round's etcd cell; shown as the median of those per-round ratios, then their range (min-max)`,
    `rounds: every system started fresh each round, in rotated order (${orders.join('; ')})`,
    flusher.note(),
    PRELOAD_NOTE,
    options.generator === 'wrk'
      ? `cores: wrk (one thread per member, connections split evenly over them) runs beside the 3 server processes, all sharing ${availableParallelism()} cores; ` +
        `it used at most ${peakCpu}% of one core. Settle rule, the same for every system: each workload first runs ${options.warmupS} s unmeasured. ` +
        `etcd is driven through its v3 JSON gateway, Flotilla through its HTTP API`
      : `cores: the generator runs in this process (one thread) beside the 3 server processes, all sharing ${availableParallelism()} cores; ` +
        `it used at most ${peakCpu}% of one core (its capacity: pnpm bench:selftest). etcd is driven through its v3 JSON gateway, Flotilla through its HTTP API`,
  ];
  for (const plan of plans) {
    if (plan.unavailable !== undefined) lines.push(`${plan.label}: skipped: ${plan.unavailable}`);
  }
  for (const round of rounds) {
    for (const turn of round.turns) {
      const where = `${labelOf(turn.systemId)} round ${round.round}`;
      if (turn.note !== undefined) lines.push(`${where}: ${turn.status}: ${turn.note}`);
      for (const [workload, run] of turn.runs) {
        const errors = { ...run.reads.errors, ...run.writes.errors };
        for (const [label, count] of Object.entries(errors)) lines.push(`! ${where} ${workload}: ${count} × ${label}`);
        const notFound = run.reads.notFound;
        if (notFound > 0) lines.push(`${where} ${workload}: ${notFound} reads found no key`);
      }
    }
  }
  return lines;
}

async function main(tempDirs: Set<string>): Promise<number> {
  const command = parseCompareArgs(withoutLeadingSeparator(process.argv.slice(2)));
  if (command.kind === 'help') {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  const options = command.options;
  const plans = planSystems(options);
  const runnable = plans.filter((plan) => plan.unavailable === undefined);
  const wrkPath = options.generator === 'wrk' ? findOnPath('wrk') : undefined;
  if (options.generator === 'wrk' && wrkPath === undefined) throw new UsageError('--generator wrk, but there is no wrk on PATH (apt-get install wrk)');
  const workloads = workloadsOf(options.generator);
  const syncPath = findOnPath('sync');
  const flusher = new PageCacheFlusher(syncPath === undefined ? undefined : [syncPath]);
  if (syncPath === undefined) process.stderr.write('no `sync` on PATH: dirty pages will not be flushed between systems\n');
  const expectedS = expectedRunS({
    systems: runnable.length,
    workloads: workloads.length,
    rounds: options.rounds,
    durationS: options.durationS,
    warmupS: options.warmupS,
    clusterOverheadS: CLUSTER_OVERHEAD_ESTIMATE_S,
  });
  process.stderr.write(
    `${runnable.length} systems × ${workloads.length} workloads × ${options.rounds} rounds × (${options.durationS} s + ${options.warmupS} s warmup) ` +
      `+ about ${CLUSTER_OVERHEAD_ESTIMATE_S} s per cluster start: expect about ${formatDurationS(expectedS)}\n`,
  );
  const startedAt = new Date();
  const rounds = await runRounds(runnable, options, { tempDirs, flusher, wrkPath });
  const workloadNames = workloads.map((workload) => workload.name);
  const roundRuns = rounds.map((round) => new Map(round.turns.map((turn) => [turn.systemId, turn.runs])));
  const rows = compareRows(workloadNames, plans, roundRuns, BASELINE_ID);
  const noteLines = notes(options, plans, rounds, flusher);
  const result = {
    startedAt: startedAt.toISOString(),
    host: { cores: availableParallelism(), node: process.version, etcd: etcdVersion(options.etcdPath ?? findOnPath('etcd')) },
    roundCount: options.rounds,
    generator: options.generator,
    durationS: options.durationS,
    warmupS: options.warmupS,
    notes: noteLines,
    table: rows,
    systems: plans.map((plan) => ({ id: plan.id, label: plan.label, kind: plan.kind, unavailable: plan.unavailable })),
    // Every round's raw numbers, turns in the order they ran.
    rounds: rounds.map((round) => ({ round: round.round, turns: round.turns.map((turn) => ({ ...turn, runs: Object.fromEntries(turn.runs) })) })),
  };
  mkdirSync(options.outDir, { recursive: true });
  const outPath = join(options.outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(outPath, `${JSON.stringify(result, null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    process.stdout.write(`\n${renderCompareTable(rows, plans, BASELINE_ID)}\n\n${noteLines.join('\n')}\n`);
  }
  process.stderr.write(`results written to ${outPath}\n`);
  return rounds.some((round) => round.turns.some((turn) => turn.status === 'ran')) ? 0 : 1;
}

const tempDirs = new Set<string>();
const removeTempDirs = () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
};

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`\n${signal}: stopping every server started\n`);
    void stopEveryServer().finally(() => {
      removeTempDirs();
      process.exit(130);
    });
  });
}

main(tempDirs).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    await stopEveryServer();
    if (error instanceof UsageError) {
      process.stderr.write(`bench:compare: ${error.message}\n(run with --help for the flags)\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`bench:compare failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
