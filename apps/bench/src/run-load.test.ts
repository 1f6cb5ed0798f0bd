import { createServer } from 'node:http';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpSink } from './http-sink.js';
import type { LoadSpec } from './load-spec.js';
import { runLoad } from './run-load.js';

const servers: Server[] = [];

async function serve(listener: RequestListener): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function spec(port: number, overrides: Partial<LoadSpec>): LoadSpec {
  return {
    target: 'flotilla',
    endpoints: [{ host: '127.0.0.1', port }],
    clients: 4,
    connsPerEndpoint: 4,
    stop: { kind: 'total', requests: 60 },
    warmupS: 0,
    keySizeBytes: 8,
    valueSizeBytes: 32,
    keySpace: 1000,
    sequentialKeys: true,
    readRatio: 0,
    consistency: { mode: 'linearizable' },
    seed: 1,
    requestTimeoutMs: 5000,
    ...overrides,
  };
}

const keyNumberOf = (request: IncomingMessage): number => Number(/k(\d+)/.exec(request.url ?? '')?.[1]);

function replyJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

describe('runLoad against Flotilla-shaped servers', () => {
  it('counts answers and errors by kind, and follows 503 + Location to the leader once', async () => {
    const leaderPort = await serve((request, response) => {
      request.resume();
      replyJson(response, 200, { revision: 1 });
    });
    const port = await serve((request, response) => {
      request.resume();
      switch (keyNumberOf(request) % 6) {
        case 0:
          return replyJson(response, 200, { revision: 1 });
        case 1:
          return replyJson(response, 500, { error: { code: 'INTERNAL', message: 'boom' } });
        case 2:
          return replyJson(response, 429, { error: { code: 'OVERLOADED', message: 'slow down' } }, { 'retry-after': '0' });
        case 3:
          return replyJson(response, 503, { error: { code: 'NOT_LEADER', message: 'ask 2' } }, { location: `http://127.0.0.1:${leaderPort}${request.url}` });
        case 4:
          return replyJson(response, 503, { error: { code: 'NO_LEADER', message: 'election' } });
        default:
          request.socket.destroy();
      }
    });
    const run = await runLoad(spec(port, {}));
    expect(run.writes.ok).toBe(20);
    expect(run.writes.redirects).toBe(10);
    expect(Object.fromEntries(run.writes.errors)).toEqual({
      'HTTP 500 INTERNAL': 10,
      'HTTP 429 OVERLOADED': 10,
      'HTTP 503 NO_LEADER': 10,
      'connection ECONNRESET': 10,
    });
    expect(run.writes.latency.count).toBe(20);
    expect(run.reads.answered + run.reads.errorCount).toBe(0);
  });

  it('counts a 503 whose Location answers 503 again as one error, not a loop', async () => {
    const port = await serve((request, response) => {
      request.resume();
      replyJson(response, 503, { error: { code: 'NOT_LEADER', message: 'elsewhere' } }, { location: `http://127.0.0.1:${(request.socket.localPort ?? 0)}/v1/kv/x` });
    });
    const run = await runLoad(spec(port, { stop: { kind: 'total', requests: 8 } }));
    expect(run.writes.redirects).toBe(8);
    expect(Object.fromEntries(run.writes.errors)).toEqual({ 'HTTP 503 NOT_LEADER': 8 });
  });

  it('counts 404 reads as not found, sends the consistency, and times out silent requests', async () => {
    const queries = new Set<string>();
    const port = await serve((request, response) => {
      queries.add(new URL(request.url ?? '', 'http://x').search);
      const keyNumber = keyNumberOf(request);
      if (keyNumber % 4 === 3) return; // never answers
      if (keyNumber % 2 === 1) return replyJson(response, 404, { error: { code: 'NOT_FOUND', message: 'absent' } });
      response.end('value');
    });
    const run = await runLoad(
      spec(port, { readRatio: 1, consistency: { mode: 'bounded', maxStalenessMs: 250 }, stop: { kind: 'total', requests: 40 }, requestTimeoutMs: 200 }),
    );
    expect(run.reads.ok).toBe(20);
    expect(run.reads.notFound).toBe(10);
    expect(Object.fromEntries(run.reads.errors)).toEqual({ timeout: 10 });
    expect([...queries]).toEqual(['?consistency=bounded&max_staleness_ms=250']);
  });

  it('counts refused connections without timing them', async () => {
    const port = await serve(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));
    const run = await runLoad(spec(port, { stop: { kind: 'total', requests: 12 } }));
    expect(Object.fromEntries(run.writes.errors)).toEqual({ 'connection ECONNREFUSED': 12 });
    expect(run.writes.latency.count).toBe(0);
  });

  it('spreads clients over the endpoints and issues exactly --total requests', async () => {
    const hits = new Map<number, number>();
    const listener: RequestListener = (request, response) => {
      const localPort = request.socket.localPort ?? 0;
      hits.set(localPort, (hits.get(localPort) ?? 0) + 1);
      request.resume();
      replyJson(response, 200, { revision: 1 });
    };
    const ports = [await serve(listener), await serve(listener)];
    const run = await runLoad({ ...spec(ports[0]!, { clients: 2, connsPerEndpoint: 1 }), endpoints: ports.map((port) => ({ host: '127.0.0.1', port })) });
    expect(run.writes.ok).toBe(60);
    expect([...hits.keys()].sort()).toEqual([...ports].sort());
    expect([...hits.values()].reduce((sum, count) => sum + count, 0)).toBe(60);
  });
});

describe('runLoad against an etcd-shaped JSON gateway', () => {
  it('puts base64 keys and values, then reads them back, counting misses as not found', async () => {
    const store = new Map<string, string>();
    let hitsServed = 0;
    const port = await serve((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { key: string; value?: string; serializable?: boolean };
        const key = Buffer.from(body.key, 'base64').toString();
        if (request.url === '/v3/kv/put' && body.value !== undefined) {
          store.set(key, Buffer.from(body.value, 'base64').toString());
          return replyJson(response, 200, { header: { revision: '2' } });
        }
        if (request.url === '/v3/kv/range' && body.serializable === undefined) {
          const value = store.get(key);
          if (value === undefined) return replyJson(response, 200, { header: { revision: '2' } });
          hitsServed += 1;
          return replyJson(response, 200, { kvs: [{ key: body.key, value: Buffer.from(value).toString('base64') }], count: '1' });
        }
        replyJson(response, 400, { error: 'unexpected request', code: 3, message: 'unexpected request' });
      });
    });
    const preload = await runLoad(spec(port, { target: 'etcd', stop: { kind: 'total', requests: 20 }, keySpace: 20 }));
    expect(preload.writes.ok).toBe(20);
    expect([...store.keys()].sort()).toEqual(Array.from({ length: 20 }, (_, index) => `k${String(index).padStart(7, '0')}`));
    expect([...store.values()].every((value) => value.length === 32)).toBe(true);

    const reads = await runLoad(spec(port, { target: 'etcd', readRatio: 1, sequentialKeys: false, keySpace: 40, seed: 5 }));
    expect(reads.reads.ok).toBe(hitsServed);
    expect(reads.reads.notFound).toBe(60 - hitsServed);
    expect(reads.reads.errorCount).toBe(0);
  });

  it('labels gateway errors with their message', async () => {
    const port = await serve((request, response) => {
      request.resume();
      replyJson(response, 503, { error: 'etcdserver: request timed out', code: 14, message: 'etcdserver: request timed out' });
    });
    const run = await runLoad(spec(port, { target: 'etcd', stop: { kind: 'total', requests: 5 } }));
    expect(Object.fromEntries(run.writes.errors)).toEqual({ 'HTTP 503 etcdserver: request timed out': 5 });
  });
});

describe('runLoad against the self-test sink', () => {
  it('gets an answer for every request', async () => {
    const { server, port } = await startHttpSink();
    const run = await runLoad(spec(port, { clients: 8, readRatio: 0.5, sequentialKeys: false, stop: { kind: 'total', requests: 500 } }));
    await new Promise((resolve) => server.close(resolve));
    expect(run.reads.ok + run.writes.ok).toBe(500);
    expect(run.reads.ok).toBeGreaterThan(0);
    expect(run.writes.ok).toBeGreaterThan(0);
  });
});
