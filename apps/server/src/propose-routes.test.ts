import { describe, expect, it } from 'vitest';
import { ServiceError } from '@flotilla/multiraft';
import { bytes } from './testing/fake-kv-service.js';
import { createTestApp, errorOf } from './testing/test-app.js';

const propose = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

describe('POST /propose', () => {
  it('proposes a put on this node and answers where it committed', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/propose', propose({ command: { op: 'put', key: 'a', value: 'hello' } }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      group: 1,
      log_index: 1,
      term: 1,
      result: { op: 'put', succeeded: true, revision: 1, create_revision: 1, mod_revision: 1, version: 1 },
    });
    expect(service.calls.map((call) => call.method)).toEqual(['executeHere']);
    expect(Buffer.from(service.lookup(bytes('a'))?.value ?? []).toString()).toBe('hello');
  });

  it('takes binary keys and values as base64', async () => {
    const { app, service } = createTestApp();
    const response = await app.request(
      '/propose',
      propose({ command: { op: 'put', key_base64: '/wA=', value_base64: 'AQID' } }),
    );
    expect(response.status).toBe(200);
    expect(service.lookup(new Uint8Array([0xff, 0]))?.value).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('deletes, and reports a failed compare inside the committed result', async () => {
    const { app, service } = createTestApp();
    service.seed('k', 'v');
    const refused = await app.request('/propose', propose({ command: { op: 'delete', key: 'k', if_revision: 9 } }));
    expect(refused.status).toBe(200);
    expect(((await refused.json()) as { result: unknown }).result).toEqual({
      op: 'delete',
      succeeded: false,
      current_revision: 1,
    });
    const deleted = await app.request('/propose', propose({ command: { op: 'delete', key: 'k', if_revision: 1 } }));
    expect(((await deleted.json()) as { result: unknown }).result).toEqual({
      op: 'delete',
      succeeded: true,
      deleted: true,
      revision: 2,
    });
  });

  it('passes if_revision on a put', async () => {
    const { app, service } = createTestApp();
    await app.request('/propose', propose({ command: { op: 'put', key: 'k', value: 'v', if_revision: 0 } }));
    expect(service.calls[0]).toEqual({
      method: 'executeHere',
      command: { op: 'put', key: bytes('k'), value: bytes('v'), ifRevision: 0 },
    });
  });

  it('answers not_leader with 503, the leader in the body, Location and Retry-After', async () => {
    const { app, service } = createTestApp();
    service.failNext(
      new ServiceError('not_leader', 'node 1 does not lead the shard', { leaderUrl: 'http://127.0.0.1:7002/', retryAfterMs: 200 }),
    );
    const response = await app.request('/propose', propose({ command: { op: 'put', key: 'a', value: 'b' } }));
    expect(response.status).toBe(503);
    expect(response.headers.get('location')).toBe('http://127.0.0.1:7002/propose');
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await errorOf(response)).toMatchObject({ code: 'not_leader', leader: 'http://127.0.0.1:7002/' });
  });

  it('answers not_leader without a known leader with 503 and no Location', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('not_leader', 'no leader yet'));
    const response = await app.request('/propose', propose({ command: { op: 'delete', key: 'a' } }));
    expect(response.status).toBe(503);
    expect(response.headers.get('location')).toBeNull();
    expect(response.headers.get('retry-after')).toBe('1');
  });

  it.each([
    ['not JSON', '{"command": '],
    ['an array', '[]'],
    ['no command', {}],
    ['an unknown op', { command: { op: 'increment', key: 'a' } }],
    // Names every JavaScript object inherits: an op lookup must see own names only.
    ['op toString', { command: { op: 'toString', key: 'a' } }],
    ['op __proto__', { command: { op: '__proto__', key: 'a' } }],
    ['op constructor', { command: { op: 'constructor', key: 'a' } }],
    ['op hasOwnProperty', { command: { op: 'hasOwnProperty', key: 'a' } }],
    ['a __proto__ command field', '{"command":{"op":"put","key":"a","value":"v","__proto__":{"x":1}}}'],
    ['a __proto__ body field', '{"__proto__":{"command":{"op":"put","key":"a","value":"v"}}}'],
    ['a missing key', { command: { op: 'put', value: 'v' } }],
    ['a missing value', { command: { op: 'put', key: 'a' } }],
    ['a numeric value', { command: { op: 'put', key: 'a', value: 5 } }],
    ['both value forms', { command: { op: 'put', key: 'a', value: 'v', value_base64: 'dg==' } }],
    ['bad base64', { command: { op: 'put', key: 'a', value_base64: 'not base64!' } }],
    ['unpadded base64', { command: { op: 'put', key: 'a', value_base64: 'dg' } }],
    ['a negative if_revision', { command: { op: 'put', key: 'a', value: 'v', if_revision: -1 } }],
    ['a fractional if_revision', { command: { op: 'delete', key: 'a', if_revision: 1.5 } }],
    ['a string if_revision', { command: { op: 'delete', key: 'a', if_revision: '1' } }],
    ['an unknown command field', { command: { op: 'delete', key: 'a', value: 'v' } }],
    ['an unknown body field', { command: { op: 'delete', key: 'a' }, lease: 5 }],
  ])('rejects %s with 400 bad_json and proposes nothing', async (_case, body) => {
    const { app, service } = createTestApp();
    const response = await app.request('/propose', propose(body));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad_json');
    expect(service.calls).toEqual([]);
  });

  it('rejects an empty key with 400 and an oversized key or value with 413', async () => {
    const { app, service } = createTestApp();
    const empty = await app.request('/propose', propose({ command: { op: 'delete', key: '' } }));
    expect([empty.status, (await errorOf(empty)).code]).toEqual([400, 'key_empty']);
    const longKey = await app.request('/propose', propose({ command: { op: 'delete', key: 'k'.repeat(4097) } }));
    expect([longKey.status, (await errorOf(longKey)).code]).toEqual([413, 'key_too_large']);
    const bigValue = await app.request(
      '/propose',
      propose({ command: { op: 'put', key: 'k', value: 'v'.repeat(1_048_577) } }),
    );
    expect([bigValue.status, (await errorOf(bigValue)).code]).toEqual([413, 'value_too_large']);
    expect(service.calls).toEqual([]);
  });

  it('takes a base64 value of a full MiB, which the body limit leaves room for', async () => {
    const { app, service } = createTestApp();
    const value_base64 = Buffer.alloc(1_048_576, 7).toString('base64');
    const response = await app.request('/propose', propose({ command: { op: 'put', key: 'k', value_base64 } }));
    expect(response.status).toBe(200);
    expect(service.lookup(bytes('k'))?.value.byteLength).toBe(1_048_576);
  });
});

describe('GET /read', () => {
  it('reads linearizably by default, stale with linearizable=false', async () => {
    const { app, service } = createTestApp();
    service.seed('k', 'v');
    const response = await app.request('/read?key=k');
    expect(await response.json()).toEqual({
      found: true,
      key: 'k',
      value: 'v',
      create_revision: 1,
      mod_revision: 1,
      version: 1,
    });
    await app.request('/read?key=k&linearizable=false');
    await app.request('/read?key=k&linearizable=true');
    expect(service.calls.map((call) => (call.method === 'get' ? call.consistency.kind : call.method))).toEqual([
      'linearizable',
      'stale',
      'linearizable',
    ]);
  });

  it('answers found: false for an absent key', async () => {
    const { app } = createTestApp();
    const response = await app.request('/read?key=nothing%2Fhere');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ key: 'nothing/here', found: false });
  });

  it.each([['linearizable=yes'], ['linearizable=false'], ['key=k&consistency=stale'], ['key=']])(
    'rejects ?%s with 400',
    async (query) => {
      const { app, service } = createTestApp();
      const response = await app.request(`/read?${query}`);
      expect(response.status).toBe(400);
      await errorOf(response);
      expect(service.calls).toEqual([]);
    },
  );
});
