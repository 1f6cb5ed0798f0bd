import { afterEach, describe, expect, it } from 'vitest';
import { CompareFailedError, DeadlineExceededError, FlotillaError, InvalidRequestError, UnavailableError, UnknownOutcomeError } from './errors.js';
import { Flotilla } from './flotilla.js';
import type { FlotillaOptions } from './options.js';
import { answerError, answerJson, deadEndpoint, FakeNode } from './testing/fake-node.js';
import type { FakeHandler } from './testing/fake-node.js';

const open: { nodes: FakeNode[]; clients: Flotilla[] } = { nodes: [], clients: [] };

afterEach(async () => {
  await Promise.all(open.clients.map((client) => client.close()));
  await Promise.all(open.nodes.map((node) => node.stop()));
  open.nodes = [];
  open.clients = [];
});

const startNode = async (handler: FakeHandler): Promise<FakeNode> => {
  const node = await FakeNode.start(handler);
  open.nodes.push(node);
  return node;
};

const client = (endpoints: string[], options: Partial<FlotillaOptions> = {}): Flotilla => {
  const flotilla = new Flotilla({ endpoints, retryBaseDelayMs: 1, retryMaxDelayMs: 5, ...options });
  open.clients.push(flotilla);
  return flotilla;
};

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes === undefined ? undefined : new TextDecoder().decode(bytes));
const PUT_ANSWER = { revision: 9, create_revision: 3, mod_revision: 9, version: 2 };

describe('requests and answers', () => {
  it('puts, gets, deletes and scans with keys escaped byte for byte', async () => {
    const node = await startNode((request, response) => {
      if (request.method === 'PUT') return answerJson(response, 200, PUT_ANSWER);
      if (request.method === 'DELETE') return answerJson(response, 200, { deleted: true, revision: 10 });
      if (request.url.startsWith('/v1/kv?')) {
        return answerJson(response, 200, {
          items: [
            { key: 'a/1', value: 'x', create_revision: 1, mod_revision: 1, version: 1 },
            { key: 'a/2', value_base64: '/w==', create_revision: 2, mod_revision: 4, version: 3 },
          ],
          more: true,
        });
      }
      response.writeHead(200, { 'x-flotilla-create-revision': '3', 'x-flotilla-mod-revision': '9', 'x-flotilla-version': '2' });
      response.end('hello');
    });
    const flotilla = client([node.url]);

    expect(await flotilla.put('dir/a b+c', 'v1', { ifRevision: 0 })).toEqual({ revision: 9, createRevision: 3, modRevision: 9, version: 2 });
    const found = await flotilla.get(new Uint8Array([0x2e, 0x2e, 0x2f, 0xff]), { consistency: { maxStalenessMs: 250 } });
    expect(found).toMatchObject({ createRevision: 3, modRevision: 9, version: 2 });
    expect(text(found?.value)).toBe('hello');
    expect(await flotilla.delete('k', { ifRevision: 9 })).toEqual({ deleted: true, revision: 10 });
    const scanned = await flotilla.scan('a/', { limit: 2, consistency: 'stale' });
    expect(scanned.more).toBe(true);
    expect(scanned.items.map((item) => [text(item.key), [...item.value]])).toEqual([['a/1', [0x78]], ['a/2', [0xff]]]);

    expect(node.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'PUT /v1/kv/dir%2Fa%20b%2Bc?if_revision=0',
      'GET /v1/kv/%2E%2E%2F%FF?consistency=bounded&max_staleness_ms=250',
      'DELETE /v1/kv/k?if_revision=9',
      'GET /v1/kv?prefix=a%2F&limit=2&consistency=stale',
    ]);
    expect(node.requests[0]?.body.toString()).toBe('v1');
  });

  it('answers a missing key with undefined and a failed compare with CompareFailedError, or a result from cas', async () => {
    const node = await startNode((request, response) =>
      request.method === 'GET'
        ? answerError(response, 404, 'key_not_found')
        : answerError(response, 412, 'compare_failed', {}, { current_revision: 5 }),
    );
    const flotilla = client([node.url]);
    expect(await flotilla.get('missing')).toBeUndefined();
    const failed = await flotilla.put('k', 'v', { ifRevision: 4 }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(CompareFailedError);
    expect(failed).toMatchObject({ currentRevision: 5, status: 412, code: 'compare_failed' });
    expect(await flotilla.cas('k', 4, 'v')).toEqual({ succeeded: false, currentRevision: 5 });
  });

  it('refuses the keys no URL can carry without sending anything', async () => {
    const node = await startNode((_, response) => answerJson(response, 200, PUT_ANSWER));
    const flotilla = client([node.url]);
    await expect(flotilla.put('..', 'v')).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(flotilla.get('.')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(node.requests).toHaveLength(0);
  });

  it('reports an answer of the wrong shape as bad_response', async () => {
    const node = await startNode((_, response) => answerJson(response, 200, { revision: 'nine' }));
    await expect(client([node.url]).put('k', 'v')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('reuses kept-alive connections for calls in sequence', async () => {
    const node = await startNode((_, response) => answerJson(response, 200, PUT_ANSWER));
    const flotilla = client([node.url]);
    for (let i = 0; i < 20; i++) await flotilla.put(`k${i}`, 'v');
    // undici's pool may open a second socket while the first is still settling its answer.
    expect(node.connectionCount).toBeLessThanOrEqual(2);
  });
});

describe('retries and failover', () => {
  it('spreads calls over the endpoints round-robin', async () => {
    const nodes = await Promise.all([0, 1, 2].map(() => startNode((_, response) => answerJson(response, 200, PUT_ANSWER))));
    const flotilla = client(nodes.map((node) => node.url));
    for (let i = 0; i < 6; i++) await flotilla.put('k', 'v');
    expect(nodes.map((node) => node.requests.length)).toEqual([2, 2, 2]);
  });

  it('moves past an endpoint it cannot reach, for writes too, and tries it last afterwards', async () => {
    const dead = await deadEndpoint();
    const live = await startNode((_, response) => answerJson(response, 200, PUT_ANSWER));
    const flotilla = client([dead, live.url]);
    for (let i = 0; i < 4; i++) await flotilla.put('k', 'v');
    expect(live.requests).toHaveLength(4);
  });

  it('retries a write the cluster refused before acting (503, 429) on the next endpoint', async () => {
    const refusing = await startNode((_, response) => answerError(response, 503, 'no_leader', { 'retry-after': '1' }));
    const overloaded = await startNode((_, response) => answerError(response, 429, 'overloaded', { 'retry-after': '1' }));
    const willing = await startNode((_, response) => answerJson(response, 200, PUT_ANSWER));
    const flotilla = client([refusing.url, overloaded.url, willing.url]);
    // Three calls start at each endpoint once, wherever the rotation begins: 2, 1 and 0 refusals.
    for (let i = 0; i < 3; i++) expect(await flotilla.put('k', 'v')).toMatchObject({ revision: 9 });
    expect([refusing, overloaded, willing].map((node) => node.requests.length)).toEqual([1, 2, 3]);
  });

  it('waits as long as Retry-After asks once every endpoint has refused', async () => {
    let refusals = 1;
    const node = await startNode((_, response) =>
      refusals-- > 0 ? answerError(response, 503, 'no_leader', { 'retry-after': '1' }) : answerJson(response, 200, PUT_ANSWER),
    );
    const startedMs = performance.now();
    await client([node.url]).put('k', 'v');
    expect(performance.now() - startedMs).toBeGreaterThanOrEqual(990);
    expect(node.requests).toHaveLength(2);
  });

  it('never retries a write that timed out on the server (504): its outcome is unknown', async () => {
    const nodes = await Promise.all([0, 1].map(() => startNode((_, response) => answerError(response, 504, 'unknown_outcome'))));
    const error = await client(nodes.map((node) => node.url)).put('k', 'v').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(nodes[0]!.requests.length + nodes[1]!.requests.length).toBe(1);
  });

  it('retries a read that timed out on the server', async () => {
    let timeouts = 1;
    const node = await startNode((_, response) => {
      if (timeouts-- > 0) return answerError(response, 504, 'timeout');
      response.writeHead(200, { 'x-flotilla-create-revision': '1', 'x-flotilla-mod-revision': '1', 'x-flotilla-version': '1' });
      response.end('v');
    });
    expect(text((await client([node.url]).get('k'))?.value)).toBe('v');
    expect(node.requests).toHaveLength(2);
  });

  it('calls a write whose connection dropped an unknown outcome, and retries such a read elsewhere', async () => {
    const dropping = await startNode((_, _response, socket) => socket.destroy());
    const answering = await startNode((_, response) => answerJson(response, 200, { items: [], more: false }));
    await expect(client([dropping.url, answering.url], { requestTimeoutMs: 60_000 }).put('k', 'v')).rejects.toSatisfy(
      // Wherever the rotation starts, the write either went to the dropping node (and stops there)
      // or was answered; it is never sent on after the drop.
      (error: unknown) => error instanceof UnknownOutcomeError || (error instanceof FlotillaError && error.code === 'bad_response'),
    );
    const dropped = dropping.requests.length;
    expect(answering.requests.length).toBe(1 - dropped);
    const flotilla = client([dropping.url, answering.url]);
    // Two reads start once at each endpoint: both are answered, one after a drop.
    for (let i = 0; i < 2; i++) expect(await flotilla.scan('')).toEqual({ items: [], more: false });
    expect(dropping.requests.length - dropped).toBe(1);
  });

  it('does not retry what the server called invalid', async () => {
    const nodes = await Promise.all([0, 1].map(() => startNode((_, response) => answerError(response, 400, 'bad_query'))));
    await expect(client(nodes.map((node) => node.url)).scan('p')).rejects.toBeInstanceOf(InvalidRequestError);
    expect(nodes[0]!.requests.length + nodes[1]!.requests.length).toBe(1);
  });

  it('gives up with UnavailableError naming every endpoint when none can serve before the deadline', async () => {
    const dead = await deadEndpoint();
    const refusing = await startNode((_, response) => answerError(response, 503, 'shutting_down', { 'retry-after': '1' }));
    // Room for a second round after the 1 s Retry-After, not for a third.
    const error = await client([dead, refusing.url], { requestTimeoutMs: 1500 }).put('k', 'v').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toContain(dead);
    expect((error as Error).message).toContain(refusing.url);
    expect(error).toMatchObject({ retryAfterMs: 1000 });
  });
});

describe('deadlines and cancellation', () => {
  const silent = () => startNode(() => undefined);

  it('ends a read at its deadline with DeadlineExceededError', async () => {
    const node = await silent();
    const error = await client([node.url]).get('k', { timeoutMs: 100 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeadlineExceededError);
  });

  it('ends a write in flight at its deadline with UnknownOutcomeError', async () => {
    const node = await silent();
    const error = await client([node.url], { requestTimeoutMs: 100 }).put('k', 'v').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownOutcomeError);
    expect(error).toMatchObject({ code: 'deadline_exceeded' });
  });

  it("rejects an aborted read with the signal's reason, and an aborted write in flight as an unknown outcome", async () => {
    const node = await silent();
    const flotilla = client([node.url]);
    const controller = new AbortController();
    const reason = new Error('user gave up');
    const read = flotilla.get('k', { signal: controller.signal });
    const write = flotilla.put('k', 'v', { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await expect(read).rejects.toBe(reason);
    const writeError = await write.catch((caught: unknown) => caught);
    expect(writeError).toBeInstanceOf(UnknownOutcomeError);
    expect((writeError as FlotillaError).cause).toBe(reason);
  });

  it('sends nothing when the signal is already aborted', async () => {
    const node = await silent();
    const controller = new AbortController();
    controller.abort();
    await expect(client([node.url]).put('k', 'v', { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(node.requests).toHaveLength(0);
  });
});

describe('endpoint status and health', () => {
  it('asks every endpoint once and reports each, reachable or not', async () => {
    const dead = await deadEndpoint();
    const healthy = await startNode((request, response) =>
      request.url === '/health'
        ? answerJson(response, 200, { health: 'true' })
        : answerJson(response, 200, {
            node: 2,
            groups: [
              {
                group: 1, range: { start: '0', end: '18446744073709551616' }, role: 'leader', term: 3, leader: 2,
                commit_index: 10, applied_index: 10, first_index: 1, last_index: 10, snapshot_index: 0,
                snapshots_taken: 0, compactions: 0, snapshots_installed: 0, quiesced: false, voters: [1, 2, 3], learners: [],
              },
            ],
          }),
    );
    const sick = await startNode((_, response) => answerJson(response, 503, { health: 'false', reason: 'no leader' }));
    const flotilla = client([healthy.url, sick.url, dead]);

    const health = await flotilla.endpointHealth();
    expect(health.map((report) => (report.ok ? report.value : report.ok))).toEqual([{ healthy: true }, { healthy: false, reason: 'no leader' }, false]);

    const status = await flotilla.endpointStatus();
    expect(status[0]).toMatchObject({ ok: true, value: { node: 2, groups: [{ group: 1, role: 'leader', range: { end: 2n ** 64n }, voters: [1, 2, 3] }] } });
    expect(status[1]).toMatchObject({ ok: false, error: { name: 'UnavailableError' } });
    expect(status[2]).toMatchObject({ ok: false, endpoint: dead });
  });
});
