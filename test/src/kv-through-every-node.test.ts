import { describe, expect, it } from 'vitest';
import { HASH_SPACE_END } from '@flotilla/storage';
import { useSharedCluster } from './harness/cluster-fixture.js';
import { expectErrorResponse, expectStatus } from './harness/expect-response.js';
import { responseJson, responseText, sendRequest } from './harness/http-outcome.js';
import type { HttpOutcome } from './harness/http-outcome.js';
import { groupOfKey } from './harness/key-group.js';
import { deleteKey, getKey, getPath, keyUrl, proposeCommand, putKey, scanPrefix } from './harness/kv-api.js';
import type { ReadMode } from './harness/kv-api.js';
import type { LocalCluster } from './harness/local-cluster.js';
import { readNodeStatus } from './harness/node-status.js';
import { pollUntil } from './harness/poll.js';

const SHARDS = 3;
/** A follower's stale view catches up within a few heartbeats; this is a bound on waiting, not a target. */
const CATCH_UP_TIMEOUT_MS = 15_000;

interface PutAnswer {
  readonly revision: number;
  readonly create_revision: number;
  readonly mod_revision: number;
  readonly version: number;
}

const putAnswer = (outcome: HttpOutcome, what: string): PutAnswer => responseJson(expectStatus(outcome, 200, what)) as PutAnswer;

const currentRevision = (outcome: HttpOutcome, what: string): unknown =>
  expectErrorResponse(outcome, 412, 'compare_failed', what)['current_revision'];

const describeMode = (mode: ReadMode): string => (typeof mode === 'string' ? mode : `bounded ${mode.boundedMs} ms`);

/** Reads until the node shows `value`; only "not there yet" (404) may come before it. */
const readUntilValue = (baseUrl: string, key: string, mode: ReadMode, value: string): Promise<true> =>
  pollUntil(
    `${key} = ${JSON.stringify(value)} through ${baseUrl} (${describeMode(mode)})`,
    async () => {
      const outcome = await getKey(baseUrl, key, mode);
      if (outcome.kind === 'response' && outcome.status === 404) return undefined;
      const text = responseText(expectStatus(outcome, 200, `${describeMode(mode)} read of ${key}`));
      return text === value ? true : undefined;
    },
    { timeoutMs: CATCH_UP_TIMEOUT_MS },
  );

interface ScanAnswer {
  readonly items: readonly { readonly key: string; readonly value: string }[];
  readonly more: boolean;
}

const scan = async (baseUrl: string, prefix: string, limit: number, mode: ReadMode = 'linearizable'): Promise<ScanAnswer> =>
  responseJson(expectStatus(await scanPrefix(baseUrl, prefix, limit, mode), 200, `scan of ${prefix}`)) as ScanAnswer;

const nodeUrls = (cluster: LocalCluster): string[] => cluster.nodes.map((node) => node.clientUrl);

describe('a 3-node cluster, used through every node', () => {
  const cluster = useSharedCluster({ shards: SHARDS });

  it('shows every shard on every node, ranges covering the keyspace, one leader each', async () => {
    const statuses = await Promise.all(nodeUrls(cluster()).map(readNodeStatus));
    const leaders = new Map<number, number>();
    for (const [index, status] of statuses.entries()) {
      if (status === undefined) throw new Error(`node ${index + 1} did not answer /v1/status`);
      expect(status.node).toBe(index + 1);
      const groups = [...status.groups].sort((a, b) => (BigInt(a.range.start) < BigInt(b.range.start) ? -1 : 1));
      expect(groups).toHaveLength(SHARDS);
      let expectedStart = 0n;
      for (const group of groups) {
        expect(BigInt(group.range.start)).toBe(expectedStart);
        expectedStart = BigInt(group.range.end);
        expect([...group.voters].sort()).toEqual([1, 2, 3]);
        expect(group.applied_index).toBeLessThanOrEqual(group.commit_index);
        if (group.role === 'leader') {
          expect(leaders.has(group.group), `two nodes lead group ${group.group}`).toBe(false);
          leaders.set(group.group, status.node);
        }
      }
      expect(expectedStart).toBe(HASH_SPACE_END);
    }
    expect(leaders.size).toBe(SHARDS);

    for (const url of nodeUrls(cluster())) {
      expect(responseJson(expectStatus(await getPath(url, '/health'), 200, '/health'))).toEqual({ health: 'true' });
      expect(responseText(expectStatus(await getPath(url, '/livez'), 200, '/livez'))).toBe('ok');
      expect(responseText(expectStatus(await getPath(url, '/readyz'), 200, '/readyz'))).toBe('ok');
    }
  });

  it('makes a write through any node readable through every node, in every consistency', async () => {
    for (const writer of cluster().nodes) {
      const key = `every-node/written-via-${writer.id}`;
      const value = `value written through node ${writer.id}`;
      const written = putAnswer(await putKey(writer.clientUrl, key, value), `put ${key}`);
      expect(written.mod_revision).toBe(written.revision);
      expect(written.version).toBe(1);

      for (const reader of nodeUrls(cluster())) {
        // A linearizable read must see an acknowledged write at once, wherever it is asked.
        const read = expectStatus(await getKey(reader, key, 'linearizable'), 200, `linearizable read of ${key}`);
        expect(responseText(read)).toBe(value);
        expect(read.headers.get('x-flotilla-mod-revision')).toBe(String(written.mod_revision));
        expect(read.headers.get('x-flotilla-create-revision')).toBe(String(written.create_revision));
        expect(read.headers.get('x-flotilla-version')).toBe('1');

        await readUntilValue(reader, key, 'stale', value);
        await readUntilValue(reader, key, { boundedMs: 1_000 }, value);

        const viaRead = responseJson(expectStatus(await getPath(reader, `/read?key=${encodeURIComponent(key)}&linearizable=true`), 200, '/read'));
        expect(viaRead).toMatchObject({ found: true, key, value, mod_revision: written.mod_revision });
      }
    }
  });

  it('scans a prefix across shards in key order, cut at the limit', async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `scan/${String(i).padStart(2, '0')}`);
    const urls = nodeUrls(cluster());
    // Written out of order and through every node, so the order comes from the scan.
    for (const [index, key] of [...keys].reverse().entries()) {
      expectStatus(await putKey(urls[index % urls.length] as string, key, `v-${key}`), 200, `put ${key}`);
    }
    // Neighbours by name that the prefix must leave out.
    expectStatus(await putKey(urls[0] as string, 'scan', 'outside'), 200, 'put scan');
    expectStatus(await putKey(urls[0] as string, 'scan0', 'outside'), 200, 'put scan0');

    const groups = new Set(await Promise.all(keys.map((key) => groupOfKey(cluster(), key))));
    expect(groups.size, 'the scanned keys should span more than one shard').toBeGreaterThan(1);

    const expected = keys.map((key) => ({ key, value: `v-${key}` }));
    for (const url of urls) {
      const whole = await scan(url, 'scan/', 100);
      expect(whole.items.map(({ key, value }) => ({ key, value }))).toEqual(expected);
      expect(whole.more).toBe(false);

      const firstFive = await scan(url, 'scan/', 5);
      expect(firstFive.items.map((item) => item.key)).toEqual(keys.slice(0, 5));
      expect(firstFive.more).toBe(true);

      await pollUntil(
        `a complete stale scan through ${url}`,
        async () => ((await scan(url, 'scan/', 100, 'stale')).items.length === keys.length ? true : undefined),
        { timeoutMs: CATCH_UP_TIMEOUT_MS },
      );
      expect((await scan(url, 'scan/', 100, 'stale')).items.map((item) => item.key)).toEqual(keys);
    }
  });

  it('compares and swaps on the mod revision and deletes, end to end', async () => {
    const [url1, url2, url3] = nodeUrls(cluster()) as [string, string, string];
    const key = 'cas/subject';

    const created = putAnswer(await putKey(url1, key, 'first', { ifRevision: 0 }), 'create-only put');
    expect(created).toMatchObject({ create_revision: created.revision, mod_revision: created.revision, version: 1 });
    expect(currentRevision(await putKey(url2, key, 'second', { ifRevision: 0 }), 'second create-only put')).toBe(created.mod_revision);

    const swapped = putAnswer(await putKey(url3, key, 'second', { ifRevision: created.mod_revision }), 'swap');
    expect(swapped.mod_revision).toBeGreaterThan(created.mod_revision);
    expect(swapped).toMatchObject({ create_revision: created.create_revision, version: 2 });
    expect(currentRevision(await putKey(url1, key, 'third', { ifRevision: created.mod_revision }), 'swap on a stale revision')).toBe(
      swapped.mod_revision,
    );
    expect(responseText(expectStatus(await getKey(url2, key, 'linearizable'), 200, 'read after the swaps'))).toBe('second');

    expect(currentRevision(await deleteKey(url2, key, { ifRevision: created.mod_revision }), 'delete on a stale revision')).toBe(
      swapped.mod_revision,
    );
    const deleted = responseJson(expectStatus(await deleteKey(url3, key, { ifRevision: swapped.mod_revision }), 200, 'delete')) as {
      deleted: boolean;
      revision: number;
    };
    expect(deleted.deleted).toBe(true);
    expect(deleted.revision).toBeGreaterThan(swapped.mod_revision);
    for (const url of [url1, url2, url3]) {
      expectErrorResponse(await getKey(url, key, 'linearizable'), 404, 'key_not_found', 'read after the delete');
    }
    expect(responseJson(expectStatus(await deleteKey(url1, key), 200, 'second delete'))).toMatchObject({ deleted: false });
    expect(currentRevision(await putKey(url2, key, 'ghost', { ifRevision: swapped.mod_revision }), 'swap on a deleted key')).toBe(0);

    const recreated = putAnswer(await putKey(url3, key, 'again', { ifRevision: 0 }), 'create-only put after the delete');
    expect(recreated).toMatchObject({ create_revision: recreated.revision, version: 1 });
    expect(recreated.revision).toBeGreaterThan(deleted.revision);
  });

  it('answers /propose only where the shard leads, naming the leader elsewhere', async () => {
    const key = 'propose/subject';
    const answers = await Promise.all(
      nodeUrls(cluster()).map(async (url) => ({ url, outcome: await proposeCommand(url, { op: 'put', key, value: `from ${url}` }) })),
    );
    const committed = answers.filter(({ outcome }) => outcome.kind === 'response' && outcome.status === 200);
    expect(committed, 'exactly one node should lead the shard').toHaveLength(1);
    const leader = committed[0] as (typeof committed)[number];
    const body = responseJson(expectStatus(leader.outcome, 200, 'propose on the leader'));
    expect(body).toMatchObject({ group: expect.any(Number), log_index: expect.any(Number), term: expect.any(Number), result: { op: 'put', succeeded: true } });

    for (const { outcome } of answers.filter((answer) => answer !== leader)) {
      const error = expectErrorResponse(outcome, 503, 'not_leader', 'propose on a follower');
      expect(error['leader']).toBe(leader.url);
      if (outcome.kind === 'response') {
        expect(outcome.headers.get('retry-after')).toMatch(/^[1-9][0-9]*$/);
        expect(outcome.headers.get('location')).toBe(`${leader.url}/propose`);
      }
    }

    // A failed compare is an answer here, not an error.
    const failedCompare = responseJson(expectStatus(await proposeCommand(leader.url, { op: 'delete', key, if_revision: Number.MAX_SAFE_INTEGER }), 200, 'propose a failing compare'));
    expect(failedCompare).toMatchObject({ result: { op: 'delete', succeeded: false, current_revision: expect.any(Number) } });
    const read = responseJson(expectStatus(await getPath(leader.url, `/read?key=${encodeURIComponent(key)}&linearizable=false`), 200, '/read'));
    expect(read).toMatchObject({ found: true, key, value: `from ${leader.url}` });
  });

  it('refuses bad requests with a 4xx JSON error and changes nothing', async () => {
    const urls = nodeUrls(cluster());
    const key = 'bad/subject';
    const original = putAnswer(await putKey(urls[0] as string, key, 'original'), 'put the original');
    const subject = keyUrl(urls[0] as string, key);

    for (const url of urls) {
      expectErrorResponse(await putKey(url, 'k'.repeat(4097), 'x'), 413, 'key_too_large', 'a 4097-byte key');
      expectErrorResponse(await putKey(url, key, new Uint8Array(1_048_577)), 413, 'value_too_large', 'a value over 1 MiB');
      expectErrorResponse(await sendRequest(`${keyUrl(url, key)}?if_revision=-1`, { method: 'PUT', body: 'x', timeoutMs: 10_000 }), 400, 'bad_query', 'if_revision=-1');
      // A misspelt condition must not turn into a blind write.
      expectErrorResponse(
        await sendRequest(`${keyUrl(url, key)}?if_revison=${original.mod_revision}`, { method: 'PUT', body: 'x', timeoutMs: 10_000 }),
        400,
        'bad_query',
        'a misspelt if_revision',
      );
      expectErrorResponse(await sendRequest(`${keyUrl(url, key)}?if_revision=${original.mod_revision + 1}`, { method: 'DELETE', timeoutMs: 10_000 }), 412, 'compare_failed', 'delete on a wrong revision');
      expectErrorResponse(await getPath(url, `/v1/kv/${encodeURIComponent(key)}?consistency=sometimes`), 400, 'bad_query', 'an unknown consistency');
      expectErrorResponse(await getPath(url, `/v1/kv/${encodeURIComponent(key)}?consistency=bounded`), 400, 'bad_query', 'bounded without a bound');
      expectErrorResponse(await getPath(url, '/v1/kv?prefix=bad/&limit=0'), 400, 'bad_query', 'a scan limit of 0');
      expectErrorResponse(await getPath(url, '/read?linearizable=true'), 400, 'bad_query', '/read without a key');
      expectErrorResponse(await sendRequest(`${url}/propose`, { method: 'POST', body: '{"command":', timeoutMs: 10_000 }), 400, 'bad_json', 'truncated JSON');
      expectErrorResponse(await proposeCommand(url, { op: 'increment', key }), 400, 'bad_json', 'an unknown op');
      expectErrorResponse(await sendRequest(`${keyUrl(url, key)}`, { method: 'PATCH', body: 'x', timeoutMs: 10_000 }), 405, 'method_not_allowed', 'PATCH');
      expectErrorResponse(await getPath(url, '/v2/kv'), 404, 'not_found', 'an unknown route');
    }

    const after = expectStatus(await getKey(urls[1] as string, key, 'linearizable'), 200, `read ${subject} after the bad requests`);
    expect(responseText(after)).toBe('original');
    expect(after.headers.get('x-flotilla-mod-revision')).toBe(String(original.mod_revision));
    expect(after.headers.get('x-flotilla-version')).toBe('1');
    expect((await scan(urls[2] as string, 'bad/', 100)).items.map((item) => item.key)).toEqual([key]);
    expect((await scan(urls[2] as string, 'kkkk', 100)).items).toEqual([]);
  });
});
