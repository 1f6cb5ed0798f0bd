import { afterEach, describe, expect, it } from 'vitest';
import { bytes } from './testing/fake-kv-service.js';
import { listen, openRequest, readAll } from './testing/live-server.js';
import type { LiveServer } from './testing/live-server.js';
import { createTestApp } from './testing/test-app.js';

// Over a real socket, at the default limit: the limit must hold while the body is still arriving.

const CHUNK_BYTES = 64 * 1024;

let server: LiveServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('the request body limit over HTTP', () => {
  it('answers 413 to a chunked body as soon as it passes the limit, before the body ends', async () => {
    const testApp = createTestApp();
    server = await listen(testApp);
    const { client, response } = openRequest(server.port, 'PUT', '/v1/kv/big', { 'Transfer-Encoding': 'chunked' });
    const chunk = Buffer.alloc(CHUNK_BYTES, 1);
    // 1.5 MiB + one chunk, and the request is never ended: a server that buffered the whole
    // body before judging it would never answer.
    for (let sent = 0; sent <= 1_572_864; sent += CHUNK_BYTES) client.write(chunk);
    const answer = await response;
    expect(answer.statusCode).toBe(413);
    expect(client.writableEnded).toBe(false);
    expect(JSON.parse(await readAll(answer))).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(testApp.service.calls).toEqual([]);
    client.destroy();
  });

  it('answers 413 from the Content-Length alone, before any of the body is sent', async () => {
    const testApp = createTestApp();
    server = await listen(testApp);
    const { client, response } = openRequest(server.port, 'PUT', '/v1/kv/big', { 'Content-Length': 100 * 1024 * 1024 });
    client.flushHeaders();
    const answer = await response;
    expect(answer.statusCode).toBe(413);
    expect(answer.headers['connection']).toBe('close');
    expect(testApp.service.calls).toEqual([]);
    client.destroy();
  });

  it('takes a chunked body of a full MiB', async () => {
    const testApp = createTestApp();
    server = await listen(testApp);
    const { client, response } = openRequest(server.port, 'PUT', '/v1/kv/full', { 'Transfer-Encoding': 'chunked' });
    for (let sent = 0; sent < 1_048_576; sent += CHUNK_BYTES) client.write(Buffer.alloc(CHUNK_BYTES, 2));
    client.end();
    const answer = await response;
    expect(answer.statusCode).toBe(200);
    await readAll(answer);
    expect(testApp.service.lookup(bytes('full'))?.value.byteLength).toBe(1_048_576);
  });
});
