// `pnpm bench:selftest`: how fast can the generator go? It drives a server that answers
// every request at once (a child process, so the two share the cores as a real run would)
// and prints the best rate next to what the real servers reached in the newest compare run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { freeLoopbackPorts } from '@flotilla/server/launcher';
import { withoutLeadingSeparator } from './argv.js';
import { parseNumberFlag } from './flag-values.js';
import { formatMs, formatRate } from './format.js';
import { latestCompareResults } from './latest-results.js';
import { startLocalCluster, stopEveryServer } from './local-cluster.js';
import { runLoad } from './run-load.js';
import { summarizeRun } from './run-summary.js';
import type { RunSummary } from './run-summary.js';
import { COMPARE_WORKLOADS, preloadSpec, workloadSpec } from './workloads.js';

const SINK_MAIN = fileURLToPath(new URL('./sink-main.js', import.meta.url));

async function main(logDir: string): Promise<void> {
  const flags = parseArgs({
    args: withoutLeadingSeparator(process.argv.slice(2)),
    strict: true,
    options: { duration: { type: 'string' }, warmup: { type: 'string' }, 'results-dir': { type: 'string' } },
  }).values;
  const durationS = parseNumberFlag('duration', flags.duration ?? '3', 0.1, 600);
  const warmupS = parseNumberFlag('warmup', flags.warmup ?? '1', 0, 600);
  const [port] = (await freeLoopbackPorts(1)) as [number];
  const sink = await startLocalCluster(
    'sink',
    [{ id: 1, name: 'sink', command: process.execPath, args: [SINK_MAIN, String(port)], output: { file: join(logDir, 'sink.log') }, readyUrl: `http://127.0.0.1:${port}/`, isReady: (status) => status === 200 }],
    [{ host: '127.0.0.1', port }],
    10_000,
  );
  const shape = { target: 'flotilla' as const, endpoints: sink.endpoints, seed: 1 };
  const runs: Array<[string, RunSummary]> = [];
  try {
    await runLoad(preloadSpec(shape));
    for (const workload of COMPARE_WORKLOADS) {
      runs.push([workload.name, summarizeRun(await runLoad(workloadSpec(workload, shape, durationS, warmupS)))]);
    }
  } finally {
    await sink.stop();
  }
  const lines = ['generator against an instant server (one child process), the compare workloads:'];
  for (const [name, run] of runs) {
    lines.push(`  ${name.padEnd(20)} ${formatRate(run.answeredPerS).padStart(8)} req/s  p99 ${formatMs(run.latencyUs.p99)} ms  generator CPU ${run.generatorCpuPercent}% of a core  errors ${run.errorCount}`);
  }
  const best = runs.reduce((top, entry) => (entry[1].answeredPerS > top[1].answeredPerS ? entry : top));
  lines.push(`generator max: ${formatRate(best[1].answeredPerS)} req/s (${best[0]})`);
  const latest = latestCompareResults(flags['results-dir'] ?? 'bench-results');
  if (latest === undefined || latest.best.length === 0) {
    lines.push('real servers: no compare result yet in bench-results/ (run pnpm bench:compare)');
  } else {
    lines.push(`real servers, best of ${latest.path}:`);
    for (const entry of latest.best) lines.push(`  ${entry.system.padEnd(12)} ${formatRate(entry.answeredPerS).padStart(8)} req/s (${entry.workload})`);
  }
  lines.push('the generator is not the bottleneck while its max stays well above those (and its CPU share below 100%)');
  process.stdout.write(`${lines.join('\n')}\n`);
}

const logDir = mkdtempSync(join(tmpdir(), 'bench-selftest-'));
process.once('SIGINT', () => void stopEveryServer().finally(() => process.exit(130)));

main(logDir).then(
  () => rmSync(logDir, { recursive: true, force: true }),
  async (error: unknown) => {
    await stopEveryServer();
    process.stderr.write(`bench:selftest failed (sink log in ${logDir}): ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
