import { parseArgs } from 'node:util';
import { Xoshiro128 } from '@flotilla/raft';
import { leaderCommitIndexes, waitForApplied } from './harness/applied-index.js';
import { groupOfKey } from './harness/key-group.js';
import { LocalCluster } from './harness/local-cluster.js';
import { pollUntil, sleep } from './harness/poll.js';
import { waitForShardLeader } from './harness/shard-leader.js';
import { runKeyWriter } from './workload/key-writer.js';
import { WriteLog } from './workload/write-log.js';

// Measures, on a real 3-node cluster, how long writes to a shard stop when its leader is killed
// with -9 (killed → first acknowledged write sent after the kill), and how long the restarted
// node takes to be ready and to apply what it missed. Run: node test/dist/measure-failover.js

const USAGE = 'usage: node test/dist/measure-failover.js [--trials=5] [--tick-ms=50] [--election-ticks=20] [--heartbeat-ticks=2] [--seed=1]';
const SHARDS = 3;
const WRITERS = 2;
const SHARD_TAG = '{measure}';
const STEADY_MS = 1_500;
const WAIT_TIMEOUT_MS = 60_000;
const STATUS_POLL_MS = 20;

const positiveInteger = (text: string | undefined, fallback: number, name: string): number => {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got "${text}"\n${USAGE}`);
  return value;
};

interface Trial {
  readonly victim: number;
  readonly failoverMs: number;
  readonly readyMs: number;
  readonly catchUpMs: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

const summary = (name: string, values: readonly number[]): string =>
  `${name.padEnd(34)} median ${median(values).toFixed(0).padStart(6)} ms   max ${Math.max(...values).toFixed(0).padStart(6)} ms`;

const measureTrial = async (cluster: LocalCluster, group: number, log: WriteLog): Promise<Trial> => {
  await sleep(STEADY_MS);
  const victim = await waitForShardLeader(cluster, group);
  const killedAtMs = performance.now();
  await cluster.kill(victim);
  const resumed = await pollUntil(
    'a write sent after the kill to be acknowledged',
    async () => {
      const after = log.acknowledgedSentAfter(killedAtMs);
      return after.length === 0 ? undefined : Math.min(...after.map((write) => write.acknowledgedAtMs));
    },
    { timeoutMs: WAIT_TIMEOUT_MS, intervalMs: STATUS_POLL_MS },
  );
  await sleep(STEADY_MS);

  const restartedAtMs = performance.now();
  cluster.spawn(victim);
  const missed = await leaderCommitIndexes(cluster);
  await cluster.waitReady([victim], WAIT_TIMEOUT_MS);
  const readyAtMs = performance.now();
  await waitForApplied(cluster, victim, missed, WAIT_TIMEOUT_MS);
  const caughtUpAtMs = performance.now();
  return { victim, failoverMs: resumed - killedAtMs, readyMs: readyAtMs - restartedAtMs, catchUpMs: caughtUpAtMs - restartedAtMs };
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string' },
      'tick-ms': { type: 'string' },
      'election-ticks': { type: 'string' },
      'heartbeat-ticks': { type: 'string' },
      seed: { type: 'string' },
    },
  });
  const trials = positiveInteger(values.trials, 5, 'trials');
  const options = {
    shards: SHARDS,
    tickMs: positiveInteger(values['tick-ms'], 50, 'tick-ms'),
    electionTicks: positiveInteger(values['election-ticks'], 20, 'election-ticks'),
    heartbeatTicks: positiveInteger(values['heartbeat-ticks'], 2, 'heartbeat-ticks'),
  };
  const random = new Xoshiro128(positiveInteger(values.seed, 1, 'seed'));
  process.stdout.write(
    `3 nodes, ${SHARDS} shards, tick ${options.tickMs} ms, election ${options.electionTicks} ticks, heartbeat ${options.heartbeatTicks} ticks, ${WRITERS} writers on one shard, ${trials} trials\n`,
  );

  const cluster = await LocalCluster.create(options);
  const log = new WriteLog();
  let stopped = false;
  let writers: Promise<void>[] = [];
  try {
    await cluster.startAll();
    const group = await groupOfKey(cluster, `${SHARD_TAG}/probe`);
    writers = Array.from({ length: WRITERS }, (_, client) =>
      runKeyWriter({
        client,
        keys: Array.from({ length: 8 }, (_, index) => `${SHARD_TAG}/writer${client}/key${index}`),
        cluster,
        random: random.fork(),
        log,
        stopped: () => stopped,
      }),
    );
    const results: Trial[] = [];
    for (let trial = 1; trial <= trials; trial++) {
      const result = await measureTrial(cluster, group, log);
      results.push(result);
      process.stdout.write(
        `trial ${trial}: killed node ${result.victim}; writes resumed after ${result.failoverMs.toFixed(0)} ms; restarted node ready after ${result.readyMs.toFixed(0)} ms, caught up after ${result.catchUpMs.toFixed(0)} ms\n`,
      );
    }
    process.stdout.write(
      [
        summary('failover (kill → next write acked)', results.map((result) => result.failoverMs)),
        summary('restart → /readyz', results.map((result) => result.readyMs)),
        summary('restart → applied what it missed', results.map((result) => result.catchUpMs)),
        `${log.acknowledgedCount} writes acknowledged; failures by kind: ${JSON.stringify(Object.fromEntries(log.failures()))}`,
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`${cluster.describe()}\n`);
    throw error;
  } finally {
    stopped = true;
    await Promise.all(writers);
    await cluster.destroy();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`measure-failover: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
