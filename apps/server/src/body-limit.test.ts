import { request } from 'node:http';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { bytes } from './testing/fake-kv-service.js';
import { createTestApp } from './testing/test-app.js';
import type { TestApp } from './testing/test-app.js';

// Over a real socket: the limit must hold while the body is still arriving.

const CHUNK_BYTES = 64 * 1024;

let server: ServerType | undefined;

afterEach(async () => {
  const closing = server;
  server = undefined;
  if (closing === undefined) return;
  if ('closeAllConnections' in closing) closing.closeAllConnections();
  await new Promise<void>((resolveClosed) => closing.close(() => resolveClosed()));
});

const listen = async (testApp: TestApp): Promise<number> =>
  new Promise((resolvePort) => {
    server = serve({ fetch: testApp.app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) =>
      resolvePort(info.port),
    );
  });

const openPut = (port: number, path: string, headers: Record<string, string | number>) => {
  const client: ClientRequest = request({ host: '127.0.0.1', port, path, method: 'PUT', headers });
  // The server may close the socket while we still write; that is the point, not a failure.
  client.on('error', () => undefined);
  const response = new Promise<IncomingMessage>((resolveResponse) => client.once('response', resolveResponse));
  return { client, response };
};

const readAll = async (response: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('the request body limit over HTTP', () => {
  it('answers 413 to a chunked body as soon as it passes the limit, before the body ends', async () => {
    const testApp = createTestApp();
    const port = await listen(testApp);
    const { client, response } = openPut(port, '/v1/kv/big', { 'Transfer-Encoding': 'chunked' });
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
    const port = await listen(testApp);
    const { client, response } = openPut(port, '/v1/kv/big', { 'Content-Length': 100 * 1024 * 1024 });
    client.flushHeaders();
    const answer = await response;
    expect(answer.statusCode).toBe(413);
    expect(answer.headers['connection']).toBe('close');
    expect(testApp.service.calls).toEqual([]);
    client.destroy();
  });

  it('takes a chunked body of a full MiB', async () => {
    const testApp = createTestApp();
    const port = await listen(testApp);
    const { client, response } = openPut(port, '/v1/kv/full', { 'Transfer-Encoding': 'chunked' });
    for (let sent = 0; sent < 1_048_576; sent += CHUNK_BYTES) client.write(Buffer.alloc(CHUNK_BYTES, 2));
    client.end();
    const answer = await response;
    expect(answer.statusCode).toBe(200);
    await readAll(answer);
    expect(testApp.service.lookup(bytes('full'))?.value.byteLength).toBe(1_048_576);
  });
});
