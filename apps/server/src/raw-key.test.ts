import { afterEach, describe, expect, it } from 'vitest';
import { bytes } from './testing/fake-kv-service.js';
import { listen } from './testing/live-server.js';
import type { LiveServer } from './testing/live-server.js';
import { rawExchange } from './testing/raw-http.js';
import { createTestApp } from './testing/test-app.js';

// A key is the bytes the client sent after /v1/kv/, percent-decoded once: no URL normalisation.
// Over a real socket, since a URL parser in the client would already have rewritten these.

let server: LiveServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const put = (target: string): string =>
  `PUT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nConnection: close\r\n\r\nv`;

describe('keys in the request target', () => {
  it.each([
    ['/v1/kv/dots/a/../b', 'dots/a/../b'],
    ['/v1/kv/dots/%2e%2e/c', 'dots/../c'],
    ['/v1/kv/dots/%2E%2E/%2e/c', 'dots/.././c'],
    ['/v1/kv/dots/./d', 'dots/./d'],
    ['/v1/kv/dots/e/.', 'dots/e/.'],
    ['/v1/kv/dots/f/..', 'dots/f/..'],
    ['/v1/kv/dots//g', 'dots//g'],
    ['/v1/kv/hash#tag', 'hash#tag'],
    ['/v1/kv/once%252F', 'once%2F'],
    ['/v1/kv/../v1/status', '../v1/status'],
    ['/v1/kv/q/../r?if_revision=0', 'q/../r'],
    ['http://127.0.0.1/v1/kv/absolute/../form', 'absolute/../form'],
  ])('PUT %s stores the key %s', async (target, key) => {
    const testApp = createTestApp();
    server = await listen(testApp);
    const response = await rawExchange(server.port, put(target));
    expect(response.status).toBe(200);
    expect(testApp.service.size).toBe(1);
    expect(testApp.service.lookup(bytes(key))?.value).toEqual(bytes('v'));
  });

  it('reads back a key with dot segments as the key it is, not another', async () => {
    const testApp = createTestApp();
    testApp.service.seed('dots/b', 'the other key');
    testApp.service.seed('dots/a/../b', 'this key');
    server = await listen(testApp);
    const response = await rawExchange(server.port, 'GET /v1/kv/dots/a/../b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
    expect(response.body).toBe('this key');
  });
});
