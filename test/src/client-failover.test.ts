import { describe, expect, it } from 'vitest';
import { Flotilla, UnknownOutcomeError } from '@flotilla/client';
import { startTestCluster } from './harness/cluster-fixture.js';
import { groupOfKey } from './harness/key-group.js';
import { pollUntil } from './harness/poll.js';
import { waitForShardLeader } from './harness/shard-leader.js';

/** One hash tag puts every key of the test in one shard: the shard whose leader dies. */
const TAG = '{client}';
const OPS_BEFORE_KILL = 20;
const OPS_AFTER_KILL = 40;
const PHASE_TIMEOUT_MS = 60_000;
/** Long enough to ride out an election; the server's own request timeout is shorter. */
const CLIENT_TIMEOUT_MS = 20_000;

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));

describe('@flotilla/client on a real 3-node cluster', () => {
  it('serves every call, and keeps serving while the shard leader is killed', async (context) => {
    const cluster = await startTestCluster(context, { shards: 3 });
    const client = new Flotilla({ endpoints: cluster.nodes.map((node) => node.clientUrl), requestTimeoutMs: CLIENT_TIMEOUT_MS });
    context.onTestFinished(() => client.close());

    // Every call once, with its answer checked.
    const put = await client.put(`${TAG}/a`, 'one');
    expect(put.version).toBe(1);
    expect(text((await client.get(`${TAG}/a`))?.value)).toBe('one');
    expect(await client.get(`${TAG}/missing`)).toBeUndefined();
    expect(await client.cas(`${TAG}/a`, put.modRevision + 1000, 'never')).toEqual({ succeeded: false, currentRevision: put.modRevision });
    expect(await client.cas(`${TAG}/a`, put.modRevision, 'two')).toMatchObject({ succeeded: true, version: 2 });
    expect(await client.cas(`${TAG}/b`, 0, 'created')).toMatchObject({ succeeded: true, version: 1 });
    const bounded = await pollUntil('a bounded read that sees "two"', async () => {
      const found = await client.get(`${TAG}/a`, { consistency: { maxStalenessMs: 1000 } });
      return text(found?.value) === 'two' ? found : undefined;
    }, { timeoutMs: 10_000 });
    expect(bounded?.version).toBe(2);
    expect((await client.scan(`${TAG}/`)).items.map((item) => text(item.key))).toEqual([`${TAG}/a`, `${TAG}/b`]);
    expect(await client.delete(`${TAG}/b`)).toMatchObject({ deleted: true });
    expect(await client.delete(`${TAG}/b`)).toMatchObject({ deleted: false });
    const statuses = await client.endpointStatus();
    expect(statuses.map((report) => (report.ok ? report.value.node : undefined)).sort()).toEqual([1, 2, 3]);
    expect((await client.endpointHealth()).every((report) => report.ok && report.value.healthy)).toBe(true);

    // Writes and linearizable reads in a loop, while the leader of their shard is killed.
    const group = await groupOfKey(cluster, `${TAG}/a`);
    const victim = await waitForShardLeader(cluster, group);
    let acknowledged = 0;
    let unknownOutcomes = 0;
    let stop = false;
    const loop = (async () => {
      for (let i = 0; !stop; i++) {
        const key = `${TAG}/loop/${i}`;
        try {
          await client.put(key, `v${i}`);
        } catch (error) {
          // The one failure a client must expect as a node dies: a write in flight to it.
          if (!(error instanceof UnknownOutcomeError)) throw error;
          unknownOutcomes++;
          continue;
        }
        expect(text((await client.get(key))?.value), `a linearizable read of ${key} right after its write`).toBe(`v${i}`);
        acknowledged++;
      }
    })();
    let loopFailure: unknown;
    loop.catch((error: unknown) => {
      loopFailure = error;
    });
    // A failed loop ends the wait at once, with the loop's own error.
    const waitForOps = (count: number, what: string) =>
      pollUntil(
        what,
        async () => {
          if (loopFailure !== undefined) throw loopFailure;
          return acknowledged >= count ? true : undefined;
        },
        { timeoutMs: PHASE_TIMEOUT_MS },
      );
    try {
      await waitForOps(OPS_BEFORE_KILL, 'writes before the kill');
      const beforeKill = acknowledged;
      await cluster.kill(victim);
      await waitForOps(beforeKill + OPS_AFTER_KILL, `writes after node ${victim}, the leader of group ${group}, was killed`);
    } finally {
      stop = true;
      await loop;
    }
    expect(unknownOutcomes, 'writes with an unknown outcome: only those in flight at the kill').toBeLessThanOrEqual(2);
    // The dead node's endpoint is still on the client's list; every call found a live one.
    expect(client.endpoints).toContain(cluster.url(victim));
  });
});
