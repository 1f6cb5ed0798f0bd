import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@flotilla/raft';
import { checkHistory, describeOperation, HistoryRecorder } from '@flotilla/testkit';
import type { KvOperation } from '@flotilla/testkit';
import { startTestCluster } from './harness/cluster-fixture.js';
import { findShardLeader } from './harness/shard-leader.js';
import { readNodeStatus } from './harness/node-status.js';
import { sleep } from './harness/poll.js';
import { testSeed } from './harness/test-seed.js';
import { runHistoryClient } from './workload/history-client.js';
import { ValueRevisions } from './workload/value-revisions.js';

const CLIENTS = 4;
const KEYS = ['lin/a', 'lin/b', 'lin/c', 'lin/d', 'lin/e'];
const MAX_OPERATIONS_PER_CLIENT = 2_000;
const STOP_ROUNDS = 6;
/** Every third round stops its node gracefully (SIGTERM): in-flight requests must still be answered truthfully. */
const GRACEFUL_EVERY = 3;
/** Mostly a shard leader is stopped, whose loss clients notice; sometimes any node. */
const LEADER_VICTIM_SHARE = 0.75;
const CALM_MS = 1_200;
const DOWN_MS = 1_200;

/** Writes the history where a person can feed it to the checker again, and says where. */
const saveHistory = async (operations: readonly KvOperation[], seed: number): Promise<string> => {
  const path = join(tmpdir(), `flotilla-history-seed${seed}-${Date.now()}.jsonl`);
  await writeFile(path, operations.map((operation) => JSON.stringify(operation)).join('\n') + '\n');
  return path;
};

describe('concurrent clients while nodes are killed or stopped and restarted', () => {
  it('leave a linearizable history', async (context) => {
    const seed = testSeed(context, 7_345_129);
    const random = new Xoshiro128(seed);
    const cluster = await startTestCluster(context, { shards: 2 });

    const recorder = new HistoryRecorder();
    const revisions = new ValueRevisions();
    const unexpected: string[] = [];
    const failures = new Map<string, number>();
    let stopped = false;
    const clients = Array.from({ length: CLIENTS }, (_, client) =>
      runHistoryClient({
        client,
        keys: KEYS,
        cluster,
        random: random.fork(),
        recorder,
        revisions,
        maxOperations: MAX_OPERATIONS_PER_CLIENT,
        stopped: () => stopped,
        unexpected,
        failures,
      }),
    );

    const nemesis = random.fork();
    const stops: string[] = [];
    try {
      for (let round = 0; round < STOP_ROUNDS; round++) {
        await sleep(CALM_MS);
        const status = await readNodeStatus(cluster.url(nemesis.pick(cluster.runningIds())));
        const group = status === undefined ? undefined : nemesis.pick(status.groups).group;
        const leader = group === undefined ? undefined : await findShardLeader(cluster, group);
        const victim = leader !== undefined && nemesis.chance(LEADER_VICTIM_SHARE) ? leader : nemesis.pick(cluster.runningIds());
        const graceful = round % GRACEFUL_EVERY === GRACEFUL_EVERY - 1;
        stops.push(`${graceful ? 'SIGTERM' : 'SIGKILL'} node ${victim}${victim === leader ? ` (leader of group ${group})` : ''}`);
        if (graceful) await cluster.terminate(victim);
        else await cluster.kill(victim);
        await sleep(DOWN_MS);
        await cluster.restart(victim);
      }
      await sleep(CALM_MS);
    } finally {
      stopped = true;
      await Promise.all(clients);
    }

    const operations = recorder.operations();
    const completed = (op: KvOperation['op']) => operations.filter((operation) => operation.op === op && operation.status === 'ok').length;
    const summary = `stopped ${stops.join(', ')}; ${operations.length} operations: ${completed('get')} gets, ${completed('put')} puts, ${completed('cas')} cas, ${completed('delete')} deletes ok, ${operations.filter((operation) => operation.status === 'unknown').length} unknown; failed requests ${JSON.stringify(Object.fromEntries(failures))}`;
    process.stdout.write(`linearizability run (seed ${seed}): ${summary}\n`);

    expect(unexpected, 'outcomes outside the HTTP contract').toEqual([]);
    // A history of nothing but failures would pass vacuously.
    expect(completed('put') + completed('cas')).toBeGreaterThan(50);
    expect(completed('get')).toBeGreaterThan(50);
    const swaps = operations.filter((operation) => operation.op === 'cas' && operation.status === 'ok' && operation.swapped === true);
    expect(swaps.length).toBeGreaterThan(0);

    const checkStartedMs = performance.now();
    const verdict = checkHistory(operations);
    process.stdout.write(`checked in ${(performance.now() - checkStartedMs).toFixed(0)} ms: ${verdict.verdict}\n`);
    if (verdict.verdict !== 'linearizable') {
      const path = await saveHistory(operations, seed);
      const detail =
        verdict.verdict === 'illegal'
          ? `${verdict.explanation}\nblocked at: ${describeOperation(verdict.blockedOperation)}`
          : verdict.reason;
      throw new Error(`the history is ${verdict.verdict} on key ${verdict.key} (seed ${seed}; ${summary}; history saved to ${path}):\n${detail}`);
    }
  });
});
