import { describe, expect, it } from 'vitest';
import { createTestApp, errorOf } from './testing/test-app.js';

describe('routing', () => {
  it.each([
    ['POST', '/v1/kv/k', 'GET, HEAD, PUT, DELETE'],
    ['PATCH', '/v1/kv/a/b', 'GET, HEAD, PUT, DELETE'],
    ['PUT', '/v1/kv', 'GET, HEAD'],
    ['DELETE', '/v1/kv', 'GET, HEAD'],
    ['GET', '/propose', 'POST'],
    ['PUT', '/propose', 'POST'],
    ['POST', '/read', 'GET, HEAD'],
    ['DELETE', '/v1/status', 'GET, HEAD'],
    ['POST', '/health', 'GET, HEAD'],
    ['POST', '/livez', 'GET, HEAD'],
    ['POST', '/readyz', 'GET, HEAD'],
  ])('answers %s %s with 405 and Allow: %s', async (method, path, allow) => {
    const { app, service } = createTestApp();
    const response = await app.request(path, { method });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect((await errorOf(response)).code).toBe('method_not_allowed');
    expect(service.calls).toEqual([]);
  });

  it.each([['/nowhere'], ['/v1/kvx'], ['/v2/kv/a']])('answers %s with a 404 JSON error', async (path) => {
    const { app } = createTestApp();
    const response = await app.request(path);
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });

});

describe('unexpected errors', () => {
  it('answers 500 JSON without the stack, and logs the error', async () => {
    const { app, service, logLines } = createTestApp();
    service.failNext(new TypeError('secret internals at /srv/flotilla/engine.ts:42'));
    const response = await app.request('/v1/kv/k');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({ error: { code: 'internal', message: 'internal error; the server logged the details' } });
    expect(text).not.toContain('secret');
    const logged = logLines.find((line) => line['msg'] === 'request failed with an unexpected error');
    expect(logged?.['err']).toMatchObject({ type: 'TypeError', message: 'secret internals at /srv/flotilla/engine.ts:42' });
  });
});

describe('status and probes', () => {
  it('answers /v1/status in snake_case with range bounds as decimal strings', async () => {
    const { app } = createTestApp();
    const response = await app.request('/v1/status');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      node: 1,
      groups: [
        {
          group: 1,
          range: { start: '0', end: '18446744073709551616' },
          role: 'leader',
          term: 1,
          leader: 1,
          commit_index: 0,
          applied_index: 0,
          first_index: 1,
          last_index: 0,
          snapshot_index: 0,
          snapshots_taken: 0,
          compactions: 0,
          snapshots_installed: 0,
          quiesced: false,
          voters: [1, 2, 3],
          learners: [],
        },
      ],
      http: {
        connections_refused: 0,
        connections_shed: 0,
        malformed_requests: 0,
        clients_gone: 0,
        unread_response_bytes: 0,
        peak_unread_response_bytes: 0,
      },
    });
  });

  it('answers /health like etcd: 200 when ready, 503 when not', async () => {
    const { app, service } = createTestApp();
    const healthy = await app.request('/health');
    expect([healthy.status, await healthy.json()]).toEqual([200, { health: 'true' }]);
    service.ready = false;
    const unhealthy = await app.request('/health');
    expect(unhealthy.status).toBe(503);
    expect(await unhealthy.json()).toMatchObject({ health: 'false' });
  });

  it('answers /readyz 200 when ready, 503 with Retry-After when not', async () => {
    const { app, service } = createTestApp();
    expect((await app.request('/readyz')).status).toBe(200);
    service.ready = false;
    const notReady = await app.request('/readyz');
    expect(notReady.status).toBe(503);
    expect(notReady.headers.get('retry-after')).toBe('1');
    expect((await errorOf(notReady)).code).toBe('not_ready');
  });

  it('answers /livez 200 even when the node is not ready', async () => {
    const { app, service } = createTestApp();
    service.ready = false;
    const response = await app.request('/livez');
    expect([response.status, await response.text()]).toEqual([200, 'ok']);
  });
});
