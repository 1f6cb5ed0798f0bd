import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { listen } from './testing/live-server.js';
import type { LiveServer } from './testing/live-server.js';
import { rawExchange } from './testing/raw-http.js';
import { createTestApp } from './testing/test-app.js';
import type { TestApp } from './testing/test-app.js';
import type { ConnectionLimits } from './connection-guard.js';

let server: LiveServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close();
  server = undefined;
});

const serve = async (limits: Partial<ConnectionLimits> = {}): Promise<TestApp & { port: number }> => {
  const testApp = createTestApp();
  server = await listen(testApp, limits);
  return { ...testApp, port: server.port };
};

const open = (port: number): Promise<Socket> =>
  new Promise((resolveOpen, rejectOpen) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolveOpen(socket));
    socket.on('error', rejectOpen);
    sockets.push(socket);
  });

describe('requests the HTTP parser or node-server refuse', () => {
  const head = 'Host: 127.0.0.1\r\nConnection: close\r\n';
  it.each([
    ['a duplicate Content-Length', `PUT /v1/kv/a HTTP/1.1\r\n${head}Content-Length: 1\r\nContent-Length: 2\r\n\r\nv`, 400, 'bad_framing'],
    ['a malformed Content-Length', `PUT /v1/kv/a HTTP/1.1\r\n${head}Content-Length: 1x\r\n\r\nv`, 400, 'bad_framing'],
    ['Transfer-Encoding with Content-Length', `PUT /v1/kv/a HTTP/1.1\r\n${head}Transfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n1\r\nv\r\n0\r\n\r\n`, 400, 'bad_framing'],
    ['a raw 0xFF in the path', Buffer.concat([Buffer.from('GET /v1/kv/a'), Buffer.from([0xff]), Buffer.from(` HTTP/1.1\r\n${head}\r\n`)]), 400, 'bad_request_target'],
    ['headers over 16 KiB', `GET /v1/kv/a HTTP/1.1\r\n${head}X-Padding: ${'p'.repeat(20_000)}\r\n\r\n`, 431, 'headers_too_large'],
    ['an unknown method', `BREW /v1/kv/a HTTP/1.1\r\n${head}\r\n`, 501, 'method_not_implemented'],
    ['a Host header that is no host', `GET /v1/kv/a HTTP/1.1\r\nHost: user@127.0.0.1\r\nConnection: close\r\n\r\n`, 400, 'bad_request'],
  ])('answers %s with a JSON error', async (_case, request, status, code) => {
    const { port, counters, service } = await serve();
    const response = await rawExchange(port, request);
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code, message: expect.any(String) } });
    expect(service.calls).toEqual([]);
    if (code !== 'bad_request') expect(counters.malformedRequests).toBe(1);
  });

  it('serves an HTTP/1.0 request without a Host header', async () => {
    const { port, service } = await serve();
    service.seed('old', 'client');
    const response = await rawExchange(port, 'GET /v1/kv/old HTTP/1.0\r\n\r\n');
    expect([response.status, response.body]).toEqual([200, 'client']);
  });
});

describe('clients that leave their responses unread', () => {
  const VALUE_BYTES = 1_048_576;
  /** A response head is well under this; the bounds below allow one response beyond a limit. */
  const HEAD_BYTES = 1024;

  /** Sends `count` GETs of the 1 MiB value in one write, and never reads a byte. */
  const pipelineUnread = async (port: number, count: number): Promise<Socket> => {
    const socket = await open(port);
    socket.pause();
    socket.on('error', () => undefined);
    socket.write('GET /v1/kv/big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(count));
    return socket;
  };

  it('closes a connection that pipelines past the limit, before answering the rest', async () => {
    const { port, service, counters } = await serve({ maxPipelinedRequests: 8 });
    service.seed('big', new Uint8Array(VALUE_BYTES));
    await pipelineUnread(port, 300);
    await vi.waitFor(() => expect(counters.connectionsShed).toBe(1), { timeout: 10_000 });
    expect(service.calls.length).toBeLessThanOrEqual(8);
    expect(counters.peakUnreadResponseBytes).toBeLessThanOrEqual(8 * (VALUE_BYTES + HEAD_BYTES));
  });

  it('stops answering a connection that stops reading, holding one response for it', async () => {
    const { port, service, counters } = await serve();
    service.seed('big', new Uint8Array(VALUE_BYTES));
    await pipelineUnread(port, 15);
    // The kernel's socket buffers take the first few MiB; then one response waits in the node.
    await vi.waitFor(() => expect(counters.unreadResponseBytes).toBeGreaterThan(0), { timeout: 10_000 });
    expect(service.calls.length).toBeLessThan(15);
    expect(counters.peakUnreadResponseBytes).toBeLessThanOrEqual(VALUE_BYTES + HEAD_BYTES);
    expect(counters.connectionsShed).toBe(0);
  });

  it('closes a connection whose unread bytes pass its limit while more requests wait', async () => {
    const maxConnectionUnreadBytes = VALUE_BYTES / 4;
    const { port, service, counters } = await serve({ maxConnectionUnreadBytes });
    service.seed('big', new Uint8Array(VALUE_BYTES));
    await pipelineUnread(port, 15);
    await vi.waitFor(() => expect(counters.connectionsShed).toBe(1), { timeout: 10_000 });
    expect(counters.peakUnreadResponseBytes).toBeLessThanOrEqual(VALUE_BYTES + HEAD_BYTES);
    expect(counters.unreadResponseBytes).toBe(0);
  });

  it('sheds the connection holding the most when the node passes its limit, and serves the rest', async () => {
    const maxUnreadBytes = 2 * VALUE_BYTES;
    const { port, service, counters } = await serve({ maxUnreadBytes, maxConnectionUnreadBytes: 64 * VALUE_BYTES });
    service.seed('big', new Uint8Array(VALUE_BYTES));
    for (let i = 0; i < 3; i++) await pipelineUnread(port, 15);
    await vi.waitFor(() => expect(counters.connectionsShed).toBeGreaterThanOrEqual(1), { timeout: 10_000 });
    expect(counters.peakUnreadResponseBytes).toBeLessThanOrEqual(maxUnreadBytes + VALUE_BYTES + HEAD_BYTES);
    const response = await rawExchange(port, 'GET /v1/kv/big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
  });

  it('answers pipelined requests in order, one after another, to a client that reads', async () => {
    const { port, service } = await serve();
    for (let i = 0; i < 5; i++) service.seed(`k${i}`, `value ${i}`);
    const requests = [0, 1, 2, 3, 4].map((i) => `GET /v1/kv/k${i} HTTP/1.1\r\nHost: 127.0.0.1\r\n${i === 4 ? 'Connection: close\r\n' : ''}\r\n`);
    const response = await rawExchange(port, requests.join(''));
    expect(response.status).toBe(200);
    expect([...response.body.matchAll(/value \d/g)].map((match) => match[0])).toEqual(['value 0', 'value 1', 'value 2', 'value 3', 'value 4']);
  });

  it('closes a connection that stalls, and frees what it held', async () => {
    const { port, service, counters } = await serve({ stalledConnectionMs: 200 });
    service.seed('big', new Uint8Array(VALUE_BYTES));
    await pipelineUnread(port, 15);
    await vi.waitFor(() => expect(counters.connectionsShed).toBe(1), { timeout: 10_000 });
    expect(counters.unreadResponseBytes).toBe(0);
  });

  it('lets a slow reader take one response larger than the limit', async () => {
    const { port, service, counters } = await serve({ maxConnectionUnreadBytes: 1024, maxUnreadBytes: 2048 });
    service.seed('big', new Uint8Array(VALUE_BYTES));
    const response = await rawExchange(port, 'GET /v1/kv/big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(response.status).toBe(200);
    expect(response.body.length).toBe(VALUE_BYTES);
    expect(counters.connectionsShed).toBe(0);
  });
});

describe('--max-connections', () => {
  it('closes connections past the limit as they are accepted, and serves the others', async () => {
    const { port, counters } = await serve({ maxConnections: 2 });
    await open(port);
    await open(port);
    const third = await open(port);
    await new Promise((resolveClosed) => third.once('close', resolveClosed).resume());
    expect(counters.connectionsRefused).toBe(1);
  });
});
