import { describe, expect, it } from 'vitest';
import { leaderCommitIndexes, waitForApplied } from './harness/applied-index.js';
import { startTestCluster } from './harness/cluster-fixture.js';
import { expectStatus } from './harness/expect-response.js';
import { responseJson, responseText } from './harness/http-outcome.js';
import { getKey, scanPrefix } from './harness/kv-api.js';
import { groupStatus, readNodeStatus } from './harness/node-status.js';
import { findShardLeader } from './harness/shard-leader.js';
import { deleteUntilAcknowledged, putUntilAcknowledged } from './workload/acknowledged-write.js';

const SHARDS = 2;
const SNAPSHOT_ENTRIES = 200;
/** Well past the threshold, so the leaders have snapshotted and compacted more than once. */
const ENTRIES_PER_SHARD = 3 * SNAPSHOT_ENTRIES;
const WRITES_IN_FLIGHT = 24;
const LAGGARD = 3;
const CATCH_UP_TIMEOUT_MS = 60_000;
const PREFIX = 'snap/';

interface ScanAnswer {
  readonly items: readonly { readonly key: string; readonly value: string }[];
  readonly more: boolean;
}

describe('a node stopped through many writes', () => {
  it('comes back and catches up by snapshot', async (context) => {
    const cluster = await startTestCluster(context, { shards: SHARDS, snapshotEntries: SNAPSHOT_ENTRIES, logLevel: 'info' });
    const before = await readNodeStatus(cluster.url(LAGGARD));
    if (before === undefined) throw new Error(`node ${LAGGARD} did not answer /v1/status`);
    await cluster.terminate(LAGGARD);
    const survivors = cluster.runningIds();
    await cluster.waitReady(survivors);
    const startCommits = await leaderCommitIndexes(cluster);
    expect(startCommits.size).toBe(SHARDS);

    // Puts, overwrites and deletes: a snapshot must carry the deletions too.
    const expected = new Map<string, string>();
    let written = 0;
    const behindTarget = async (): Promise<boolean> => {
      const commits = await leaderCommitIndexes(cluster);
      return [...startCommits].some(([group, start]) => (commits.get(group) ?? 0) - start < ENTRIES_PER_SHARD);
    };
    while (await behindTarget()) {
      await Promise.all(
        Array.from({ length: WRITES_IN_FLIGHT }, async () => {
          const index = written++;
          const key = `${PREFIX}${String(index % 900).padStart(4, '0')}`;
          if (index % 7 === 6) {
            await deleteUntilAcknowledged(cluster, key);
            expected.delete(key);
          } else {
            await putUntilAcknowledged(cluster, key, `value-${index}`);
            expected.set(key, `value-${index}`);
          }
        }),
      );
    }
    const targets = await leaderCommitIndexes(cluster);

    // The leaders must have compacted past everything the laggard holds: entries alone could not
    // bring it back, only a snapshot can.
    for (const group of before.groups) {
      const leader = await findShardLeader(cluster, group.group);
      const leaderStatus = leader === undefined ? undefined : await readNodeStatus(cluster.url(leader));
      const leaderGroup = leaderStatus === undefined ? undefined : groupStatus(leaderStatus, group.group);
      expect(leaderGroup?.compactions, `log compactions by the leader of group ${group.group}`).toBeGreaterThan(0);
      expect(leaderGroup?.first_index, `first log index on the leader of group ${group.group}`).toBeGreaterThan(group.last_index + 1);
    }

    await cluster.restart(LAGGARD);
    await waitForApplied(cluster, LAGGARD, targets, CATCH_UP_TIMEOUT_MS);
    const after = await readNodeStatus(cluster.url(LAGGARD));
    for (const group of after?.groups ?? []) {
      expect(group.snapshots_installed, `snapshots installed by node ${LAGGARD} in group ${group.group}`).toBeGreaterThan(0);
    }
    expect(after?.groups).toHaveLength(SHARDS);
    expect(cluster.logLinesContaining(LAGGARD, 'installed a snapshot').length).toBeGreaterThanOrEqual(SHARDS);

    const scanned = expectStatus(await scanPrefix(cluster.url(LAGGARD), PREFIX, 10_000, 'stale'), 200, 'stale scan on the laggard');
    const answer = responseJson(scanned) as ScanAnswer;
    const sortedExpected = [...expected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => ({ key, value }));
    expect(answer.items.map(({ key, value }) => ({ key, value }))).toEqual(sortedExpected);
    for (const [key, value] of [...expected].slice(0, 50)) {
      const local = expectStatus(await getKey(cluster.url(LAGGARD), key, 'stale'), 200, `stale read of ${key} on the laggard`);
      expect(responseText(local)).toBe(value);
    }
  });
});
