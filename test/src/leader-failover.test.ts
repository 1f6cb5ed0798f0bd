import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@flotilla/raft';
import { startTestCluster } from './harness/cluster-fixture.js';
import { expectStatus } from './harness/expect-response.js';
import { responseText } from './harness/http-outcome.js';
import { groupOfKey } from './harness/key-group.js';
import { getKey } from './harness/kv-api.js';
import { leaderCommitIndexes, waitForApplied } from './harness/applied-index.js';
import { pollUntil } from './harness/poll.js';
import { waitForShardLeader } from './harness/shard-leader.js';
import { testSeed } from './harness/test-seed.js';
import { parseWriteValue, runKeyWriter } from './workload/key-writer.js';
import { WriteLog } from './workload/write-log.js';

const WRITERS = 4;
const KEYS_PER_WRITER = 4;
/** One hash tag puts every key of the test in one shard: the shard whose leader dies. */
const SHARD_TAG = '{failover}';
const WRITES_PER_PHASE = 30;
const PHASE_TIMEOUT_MS = 30_000;
const CATCH_UP_TIMEOUT_MS = 30_000;
/** Failures a client must expect while a leader dies; anything else is a bug. */
const EXPECTED_FAILURES = /^(refused|lost|503 (no_leader|not_leader)|504 (timeout|unknown_outcome))$/;

describe('kill -9 of a shard leader under writes', () => {
  it('resumes writes, loses no acknowledged write, and the restarted node catches up', async (context) => {
    const seed = testSeed(context, 20_240_601);
    const cluster = await startTestCluster(context, { shards: 3 });
    const group = await groupOfKey(cluster, `${SHARD_TAG}/probe`);
    const victim = await waitForShardLeader(cluster, group);

    expect(await groupOfKey(cluster, `${SHARD_TAG}/writer0/key0`), 'the hash tag should pin every key to one shard').toBe(group);

    const log = new WriteLog();
    let stopped = false;
    const random = new Xoshiro128(seed);
    const writers = Array.from({ length: WRITERS }, (_, client) =>
      runKeyWriter({
        client,
        keys: Array.from({ length: KEYS_PER_WRITER }, (_, index) => `${SHARD_TAG}/writer${client}/key${index}`),
        cluster,
        random: random.fork(),
        log,
        stopped: () => stopped,
      }),
    );
    const writesSentAfter = (sinceMs: number, what: string) =>
      pollUntil(what, async () => (log.acknowledgedSentAfter(sinceMs).length >= WRITES_PER_PHASE ? true : undefined), {
        timeoutMs: PHASE_TIMEOUT_MS,
      });

    try {
      await writesSentAfter(0, 'writes before the kill');
      const killedAtMs = performance.now();
      await cluster.kill(victim);
      const successor = await waitForShardLeader(cluster, group, victim);
      expect(successor).not.toBe(victim);
      await writesSentAfter(killedAtMs, `writes sent after node ${victim} (the leader of group ${group}) was killed`);

      const restartedAtMs = performance.now();
      await cluster.restart(victim);
      await writesSentAfter(restartedAtMs, `writes sent after node ${victim} restarted`);
    } finally {
      stopped = true;
      await Promise.all(writers);
    }

    for (const [kind] of log.failures()) expect(kind, `writes failed with ${kind}`).toMatch(EXPECTED_FAILURES);

    const leader = await waitForShardLeader(cluster, group);
    const finalValues = new Map<string, string>();
    for (const { key, lastAcknowledged, highestSent } of log.keys()) {
      const read = expectStatus(await getKey(cluster.url(leader), key, 'linearizable'), 200, `read ${key}`);
      const value = responseText(read);
      const written = parseWriteValue(value);
      expect(written, `${key} holds ${JSON.stringify(value)}, which no writer wrote`).toBeDefined();
      expect(written?.client).toBe(Number(/writer([0-9]+)/.exec(key)?.[1]));
      // The last acknowledged value, or a later one whose acknowledgement was lost.
      expect(written?.sequence).toBeGreaterThanOrEqual(lastAcknowledged?.sequence ?? 0);
      expect(written?.sequence).toBeLessThanOrEqual(highestSent);
      finalValues.set(key, value);
    }

    const targetIndex = (await leaderCommitIndexes(cluster)).get(group);
    if (targetIndex === undefined) throw new Error(`no running node leads group ${group}`);
    await waitForApplied(cluster, victim, new Map([[group, targetIndex]]), CATCH_UP_TIMEOUT_MS);
    for (const [key, value] of finalValues) {
      const local = expectStatus(await getKey(cluster.url(victim), key, 'stale'), 200, `stale read of ${key} on node ${victim}`);
      expect(responseText(local), `${key} on the restarted node ${victim}`).toBe(value);
    }
  });
});
