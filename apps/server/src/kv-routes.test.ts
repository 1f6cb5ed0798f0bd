import { describe, expect, it } from 'vitest';
import { ServiceError } from '@flotilla/multiraft';
import { bytes } from './testing/fake-kv-service.js';
import { createTestApp, errorOf } from './testing/test-app.js';

const put = (body: string | Uint8Array) => ({ method: 'PUT', body });

describe('PUT /v1/kv/{key}', () => {
  it('stores the raw body and answers the revisions', async () => {
    const { app, service } = createTestApp();
    const first = await app.request('/v1/kv/a', put('one'));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ revision: 1, create_revision: 1, mod_revision: 1, version: 1 });
    const second = await app.request('/v1/kv/a', put('two'));
    expect(await second.json()).toEqual({ revision: 2, create_revision: 1, mod_revision: 2, version: 2 });
    expect(Buffer.from(service.lookup(bytes('a'))?.value ?? []).toString()).toBe('two');
  });

  it('takes the rest of the path as the key, slashes and percent-encoding included', async () => {
    const { app, service } = createTestApp();
    await app.request('/v1/kv/dir/sub/leaf', put('x'));
    await app.request('/v1/kv/caf%C3%A9%2Fmenu%20du%20jour', put('y'));
    await app.request('/v1/kv/bin%FF%00', put('z'));
    expect(service.lookup(bytes('dir/sub/leaf'))).toBeDefined();
    expect(service.lookup(bytes('café/menu du jour'))).toBeDefined();
    expect(service.lookup(new Uint8Array([0x62, 0x69, 0x6e, 0xff, 0x00]))).toBeDefined();
    // '+' in a path is a plus, not a space.
    await app.request('/v1/kv/a+b', put('w'));
    expect(service.lookup(bytes('a+b'))).toBeDefined();
  });

  it('stores any bytes as the value', async () => {
    const { app, service } = createTestApp();
    const value = new Uint8Array([0, 255, 1, 254, 0x80]);
    expect((await app.request('/v1/kv/binary', put(value))).status).toBe(200);
    expect(service.lookup(bytes('binary'))?.value).toEqual(value);
  });

  it('accepts an empty value', async () => {
    const { app, service } = createTestApp();
    expect((await app.request('/v1/kv/empty', { method: 'PUT' })).status).toBe(200);
    expect(service.lookup(bytes('empty'))?.value).toEqual(new Uint8Array(0));
  });

  it('compares and swaps with if_revision, 0 meaning create-only', async () => {
    const { app, service } = createTestApp();
    expect((await app.request('/v1/kv/k?if_revision=0', put('v1'))).status).toBe(200);

    const again = await app.request('/v1/kv/k?if_revision=0', put('v2'));
    expect(again.status).toBe(412);
    expect(await errorOf(again)).toMatchObject({ code: 'compare_failed', current_revision: 1 });

    const stale = await app.request('/v1/kv/k?if_revision=7', put('v3'));
    expect(stale.status).toBe(412);
    expect((await errorOf(stale))['current_revision']).toBe(1);

    const swapped = await app.request('/v1/kv/k?if_revision=1', put('v4'));
    expect(swapped.status).toBe(200);
    expect(await swapped.json()).toMatchObject({ mod_revision: 2, version: 2 });
    expect(Buffer.from(service.lookup(bytes('k'))?.value ?? []).toString()).toBe('v4');
  });

  it('reports current_revision 0 when a compare fails on an absent key', async () => {
    const { app } = createTestApp();
    const response = await app.request('/v1/kv/nothing?if_revision=3', put('v'));
    expect(response.status).toBe(412);
    expect(await errorOf(response)).toMatchObject({ code: 'compare_failed', current_revision: 0 });
  });

  it.each([
    ['-1'],
    ['1.5'],
    ['abc'],
    [''],
    ['01'],
    ['9007199254740992'],
  ])('rejects if_revision=%s with 400 and proposes nothing', async (revision) => {
    const { app, service } = createTestApp();
    const response = await app.request(`/v1/kv/k?if_revision=${revision}`, put('v'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad_query');
    expect(service.calls).toEqual([]);
  });

  it('rejects an unknown query parameter rather than ignore a misspelt condition', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/v1/kv/k?if_revison=3', put('v'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toContain('if_revison');
    expect(service.calls).toEqual([]);
  });

  it('rejects a repeated query parameter', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/v1/kv/k?if_revision=0&if_revision=1', put('v'));
    expect(response.status).toBe(400);
    expect(service.calls).toEqual([]);
  });

  it('rejects an empty key with 400', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/v1/kv/', put('v'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('key_empty');
    expect(service.calls).toEqual([]);
  });

  it('rejects a key over 4 KiB with 413 and takes one of exactly 4 KiB', async () => {
    const { app, service } = createTestApp();
    const tooLong = await app.request(`/v1/kv/${'k'.repeat(4097)}`, put('v'));
    expect(tooLong.status).toBe(413);
    expect((await errorOf(tooLong)).code).toBe('key_too_large');
    expect(service.calls).toEqual([]);
    expect((await app.request(`/v1/kv/${'k'.repeat(4096)}`, put('v'))).status).toBe(200);
  });

  it('counts the key limit in decoded bytes', async () => {
    const { app, service } = createTestApp();
    // 1366 × "é" is 2732 bytes; percent-encoded it is far longer than 4 KiB of text, yet valid.
    const response = await app.request(`/v1/kv/${encodeURIComponent('é'.repeat(1366))}`, put('v'));
    expect(response.status).toBe(200);
    expect(service.size).toBe(1);
  });

  it('rejects malformed percent-encoding with 400', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/v1/kv/bad%zzkey', put('v'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad_encoding');
    expect(service.calls).toEqual([]);
  });

  it('rejects a value over 1 MiB with 413 and takes one of exactly 1 MiB', async () => {
    const { app, service } = createTestApp();
    const tooLarge = await app.request('/v1/kv/big', put(new Uint8Array(1_048_577)));
    expect(tooLarge.status).toBe(413);
    expect((await errorOf(tooLarge)).code).toBe('value_too_large');
    expect(service.calls).toEqual([]);
    expect((await app.request('/v1/kv/big', put(new Uint8Array(1_048_576)))).status).toBe(200);
  });

  it('rejects a body over the request limit by its Content-Length with 413', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/v1/kv/huge', put(new Uint8Array(2 * 1024 * 1024)));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(response.headers.get('connection')).toBe('close');
    expect(service.calls).toEqual([]);
  });
});

describe('GET /v1/kv/{key}', () => {
  it('answers the raw value with its revisions in headers', async () => {
    const { app, service } = createTestApp();
    service.seed('a/b', 'first');
    service.seed('a/b', new Uint8Array([1, 2, 255]));
    const response = await app.request('/v1/kv/a/b');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('x-flotilla-create-revision')).toBe('1');
    expect(response.headers.get('x-flotilla-mod-revision')).toBe('2');
    expect(response.headers.get('x-flotilla-version')).toBe('2');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(new Uint8Array([1, 2, 255]));
  });

  it('answers 404 JSON for an absent key', async () => {
    const { app } = createTestApp();
    const response = await app.request('/v1/kv/missing');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('key_not_found');
  });

  it('reads linearizably by default and passes the consistency asked for', async () => {
    const { app, service } = createTestApp();
    service.seed('k', 'v');
    await app.request('/v1/kv/k');
    await app.request('/v1/kv/k?consistency=stale');
    await app.request('/v1/kv/k?consistency=bounded&max_staleness_ms=250');
    await app.request('/v1/kv/k?consistency=linearizable');
    expect(service.calls.map((call) => (call.method === 'get' ? call.consistency : undefined))).toEqual([
      { kind: 'linearizable' },
      { kind: 'stale' },
      { kind: 'bounded', maxStalenessMs: 250 },
      { kind: 'linearizable' },
    ]);
  });

  it.each([
    ['consistency=eventual'],
    ['consistency=bounded'],
    ['consistency=bounded&max_staleness_ms=0'],
    ['consistency=bounded&max_staleness_ms=soon'],
    ['max_staleness_ms=100'],
    ['consistency=stale&max_staleness_ms=100'],
  ])('rejects ?%s with 400 before reading', async (query) => {
    const { app, service } = createTestApp();
    const response = await app.request(`/v1/kv/k?${query}`);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad_query');
    expect(service.calls).toEqual([]);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { app, service } = createTestApp();
    service.seed('k', 'value');
    const response = await app.request('/v1/kv/k', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-flotilla-mod-revision')).toBe('1');
    expect(await response.text()).toBe('');
  });
});

describe('DELETE /v1/kv/{key}', () => {
  it('deletes and says whether there was anything to delete', async () => {
    const { app, service } = createTestApp();
    service.seed('k', 'v');
    const deleted = await app.request('/v1/kv/k', { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await deleted.json()).toEqual({ deleted: true, revision: 2 });
    expect(service.lookup(bytes('k'))).toBeUndefined();
    const again = await app.request('/v1/kv/k', { method: 'DELETE' });
    expect(await again.json()).toEqual({ deleted: false, revision: 2 });
  });

  it('compares with if_revision and answers 412 with the current revision', async () => {
    const { app, service } = createTestApp();
    service.seed('k', 'v');
    const refused = await app.request('/v1/kv/k?if_revision=5', { method: 'DELETE' });
    expect(refused.status).toBe(412);
    expect(await errorOf(refused)).toMatchObject({ code: 'compare_failed', current_revision: 1 });
    expect(service.lookup(bytes('k'))).toBeDefined();
    expect((await app.request('/v1/kv/k?if_revision=1', { method: 'DELETE' })).status).toBe(200);
    expect(service.lookup(bytes('k'))).toBeUndefined();
  });

  it('rejects a bad if_revision with 400', async () => {
    const { app, service } = createTestApp();
    const response = await app.request('/v1/kv/k?if_revision=x', { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect(service.calls).toEqual([]);
  });
});

describe('GET /v1/kv?prefix=', () => {
  it('lists the keys under a prefix, sorted, each field as text or base64', async () => {
    const { app, service } = createTestApp();
    service.seed('p/b', 'two');
    service.seed('p/a', new Uint8Array([0xff, 0x00]));
    service.seed(new Uint8Array([0x70, 0x2f, 0xfe]), 'bin-key');
    service.seed('q/other', 'x');
    const response = await app.request('/v1/kv?prefix=p%2F');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      items: [
        { key: 'p/a', value_base64: '/wA=', create_revision: 2, mod_revision: 2, version: 1 },
        { key: 'p/b', value: 'two', create_revision: 1, mod_revision: 1, version: 1 },
        { key_base64: 'cC/+', value: 'bin-key', create_revision: 3, mod_revision: 3, version: 1 },
      ],
      more: false,
    });
  });

  it('cuts at limit and says there is more', async () => {
    const { app, service } = createTestApp();
    for (const key of ['a', 'b', 'c']) service.seed(key, key);
    const response = await app.request('/v1/kv?limit=2');
    const body = (await response.json()) as { items: { key: string }[]; more: boolean };
    expect(body.items.map((item) => item.key)).toEqual(['a', 'b']);
    expect(body.more).toBe(true);
  });

  it('defaults to 100 items, accepts 10,000 and rejects 0 or 10,001', async () => {
    const { app, service } = createTestApp();
    await app.request('/v1/kv');
    await app.request('/v1/kv?limit=10000');
    expect(service.calls.map((call) => (call.method === 'scan' ? call.limit : undefined))).toEqual([100, 10_000]);
    for (const limit of ['0', '10001', 'all']) {
      const response = await app.request(`/v1/kv?limit=${limit}`);
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('bad_query');
    }
    expect(service.calls).toHaveLength(2);
  });

  it('decodes the prefix as bytes, with + as a space', async () => {
    const { app, service } = createTestApp();
    await app.request('/v1/kv?prefix=a+b%FF');
    const call = service.calls[0];
    expect(call?.method === 'scan' ? call.prefix : undefined).toEqual(new Uint8Array([0x61, 0x20, 0x62, 0xff]));
  });

  it('rejects a prefix longer than any key could be', async () => {
    const { app, service } = createTestApp();
    const response = await app.request(`/v1/kv?prefix=${'p'.repeat(4097)}`);
    expect(response.status).toBe(400);
    expect(service.calls).toEqual([]);
  });

  it('passes the read consistency', async () => {
    const { app, service } = createTestApp();
    await app.request('/v1/kv?consistency=stale');
    const call = service.calls[0];
    expect(call?.method === 'scan' ? call.consistency : undefined).toEqual({ kind: 'stale' });
  });
});

describe('service errors on /v1/kv', () => {
  it('answers 504 on a write timeout, saying the write may or may not have happened', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('timeout', 'the commit did not come in time'));
    const response = await app.request('/v1/kv/k', put('v'));
    expect(response.status).toBe(504);
    const error = await errorOf(response);
    expect(error.code).toBe('timeout');
    expect(error.message).toContain('may or may not have happened');
  });

  it('answers 504 on unknown_outcome of a delete', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('unknown_outcome', 'the leader changed under the request'));
    const response = await app.request('/v1/kv/k', { method: 'DELETE' });
    expect(response.status).toBe(504);
    expect((await errorOf(response)).message).toContain('may or may not have happened');
  });

  it('answers 504 on a read timeout without claiming a write', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('timeout', 'no read index in time'));
    const response = await app.request('/v1/kv/k');
    expect(response.status).toBe(504);
    expect((await errorOf(response)).message).not.toContain('write');
  });

  it('answers 429 with Retry-After when overloaded, rounding the delay up to seconds', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('overloaded', 'too many pending requests', { retryAfterMs: 1500 }));
    const response = await app.request('/v1/kv/k', put('v'));
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('2');
    expect((await errorOf(response)).code).toBe('overloaded');
  });

  it.each([['no_leader' as const], ['shutting_down' as const]])('answers 503 with Retry-After on %s', async (code) => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError(code, 'not now'));
    const response = await app.request('/v1/kv/k');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect((await errorOf(response)).code).toBe(code);
  });

  it('answers 400 on invalid_request', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('invalid_request', 'the engine refused it'));
    const response = await app.request('/v1/kv/k', put('v'));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('invalid_request');
  });

  it('answers 413 without Retry-After on too_large: retrying cannot help', async () => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError('too_large', 'larger than the node ever queues'));
    const response = await app.request('/v1/kv/k', put('v'));
    expect(response.status).toBe(413);
    expect(response.headers.get('retry-after')).toBeNull();
    expect((await errorOf(response)).code).toBe('too_large');
  });
});
