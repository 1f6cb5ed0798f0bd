import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytes } from './testing/fake-kv-service.js';
import { listen, openRequest, readAll } from './testing/live-server.js';
import type { LiveServer } from './testing/live-server.js';
import { createTestApp, errorOf } from './testing/test-app.js';

const MAX_BODY_BYTES = 1000;

/** `length` bytes that differ from chunk to chunk, so a misordered join shows. */
const patterned = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) % 256);

const concat = (parts: readonly Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

describe('the request body read off a Node IncomingMessage (a real node-server)', () => {
  let server: LiveServer | undefined;

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const serveTestApp = async () => {
    const testApp = createTestApp({ maxBodyBytes: MAX_BODY_BYTES });
    server = await listen(testApp);
    return { ...testApp, port: server.port };
  };

  it('takes a body of exactly the limit by its Content-Length', async () => {
    const { service, port } = await serveTestApp();
    const value = patterned(MAX_BODY_BYTES, 1);
    const { client, response } = openRequest(port, 'PUT', '/v1/kv/exact', { 'Content-Length': MAX_BODY_BYTES });
    client.end(value);
    const answer = await response;
    expect(answer.statusCode).toBe(200);
    await readAll(answer);
    expect(service.lookup(bytes('exact'))?.value).toEqual(value);
  });

  it('takes a chunked body of exactly the limit, its chunks joined in order', async () => {
    const { service, port } = await serveTestApp();
    const chunks = [patterned(400, 1), patterned(1, 2), patterned(599, 3)];
    const { client, response } = openRequest(port, 'PUT', '/v1/kv/chunked', { 'Transfer-Encoding': 'chunked' });
    for (const chunk of chunks) client.write(chunk);
    client.end();
    const answer = await response;
    expect(answer.statusCode).toBe(200);
    await readAll(answer);
    expect(service.lookup(bytes('chunked'))?.value).toEqual(concat(chunks));
  });

  it('answers 413 to a Content-Length one byte over the limit before any of the body is sent', async () => {
    const { service, port } = await serveTestApp();
    const { client, response } = openRequest(port, 'PUT', '/v1/kv/over', { 'Content-Length': MAX_BODY_BYTES + 1 });
    client.flushHeaders();
    const answer = await response;
    expect(answer.statusCode).toBe(413);
    expect(answer.headers['connection']).toBe('close');
    expect(JSON.parse(await readAll(answer))).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(service.calls).toEqual([]);
    client.destroy();
  });

  it('answers 413 to a chunked body one byte over the limit without waiting for it to end', async () => {
    const { service, port } = await serveTestApp();
    const { client, response } = openRequest(port, 'PUT', '/v1/kv/over', { 'Transfer-Encoding': 'chunked' });
    client.write(patterned(MAX_BODY_BYTES, 1));
    client.write(patterned(1, 2));
    const answer = await response;
    expect(answer.statusCode).toBe(413);
    expect(client.writableEnded).toBe(false);
    expect(answer.headers['connection']).toBe('close');
    expect(service.calls).toEqual([]);
    client.destroy();
  });

  it('holds the limit on routes that read no body too: a 405 with a large body is a 413', async () => {
    const { service, port } = await serveTestApp();
    const { client, response } = openRequest(port, 'POST', '/v1/kv/k', { 'Transfer-Encoding': 'chunked' });
    client.write(patterned(MAX_BODY_BYTES + 1, 1));
    expect((await response).statusCode).toBe(413);
    expect(service.calls).toEqual([]);
    client.destroy();
  });

  it('takes an empty body, declared or not', async () => {
    const { service, port } = await serveTestApp();
    const put = openRequest(port, 'PUT', '/v1/kv/empty', { 'Content-Length': 0 });
    put.client.end();
    const putAnswer = await put.response;
    expect(putAnswer.statusCode).toBe(200);
    await readAll(putAnswer);
    expect(service.lookup(bytes('empty'))?.value).toEqual(new Uint8Array(0));

    const deletion = openRequest(port, 'DELETE', '/v1/kv/empty', {});
    deletion.client.end();
    const deleteAnswer = await deletion.response;
    expect(deleteAnswer.statusCode).toBe(200);
    expect(JSON.parse(await readAll(deleteAnswer))).toMatchObject({ deleted: true });
  });

  it('decodes a /propose body only once whole: a character split across chunks survives', async () => {
    const { service, port } = await serveTestApp();
    const json = Buffer.from(JSON.stringify({ command: { op: 'put', key: 'k', value: 'café' } }));
    const splitAt = json.indexOf(0xc3) + 1; // between the two bytes of "é"
    const { client, response } = openRequest(port, 'POST', '/propose', { 'Transfer-Encoding': 'chunked' });
    client.write(json.subarray(0, splitAt));
    client.end(json.subarray(splitAt));
    const answer = await response;
    expect(answer.statusCode).toBe(200);
    await readAll(answer);
    expect(Buffer.from(service.lookup(bytes('k'))?.value ?? []).toString('utf8')).toBe('café');
  });

  it('changes nothing when the client leaves mid-body, and counts it without logging an error', async () => {
    const { service, port, logLines, counters } = await serveTestApp();
    const { client } = openRequest(port, 'PUT', '/v1/kv/gone', { 'Content-Length': MAX_BODY_BYTES });
    await new Promise<void>((resolveFlushed) => client.write(patterned(10, 1), () => resolveFlushed()));
    client.destroy();
    await vi.waitFor(() => expect(counters.clientsGone).toBe(1));
    expect(service.calls).toEqual([]);
    // pino's levels: 20 debug, 40 warn. A client hanging up is expected, not a failure.
    expect(logLines.filter((line) => (line['level'] as number) >= 40)).toEqual([]);
    expect(logLines).toContainEqual(expect.objectContaining({ level: 20, msg: 'the client closed the connection before the request body ended' }));
  });
});

describe('the request body read off a Web Request (app.request, no Node request)', () => {
  const streamOf = (chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> =>
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });

  const putStream = (chunks: readonly Uint8Array[], headers: Record<string, string> = {}): RequestInit =>
    ({ method: 'PUT', body: streamOf(chunks), headers, duplex: 'half' }) as RequestInit;

  it('takes a streamed body of exactly the limit, its chunks joined in order', async () => {
    const { app, service } = createTestApp({ maxBodyBytes: MAX_BODY_BYTES });
    const chunks = [patterned(999, 1), patterned(1, 2)];
    expect((await app.request('/v1/kv/exact', putStream(chunks))).status).toBe(200);
    expect(service.lookup(bytes('exact'))?.value).toEqual(concat(chunks));
  });

  it('answers 413 to a streamed body one byte over the limit', async () => {
    const { app, service } = createTestApp({ maxBodyBytes: MAX_BODY_BYTES });
    const response = await app.request('/v1/kv/over', putStream([patterned(MAX_BODY_BYTES, 1), patterned(1, 2)]));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(service.calls).toEqual([]);
  });

  it('answers 413 to a declared Content-Length over the limit without reading the body', async () => {
    const { app, service } = createTestApp({ maxBodyBytes: MAX_BODY_BYTES });
    // A body that never ends: a server that read it before judging would never answer.
    const body = new ReadableStream<Uint8Array>();
    const init = { method: 'PUT', body, headers: { 'Content-Length': String(MAX_BODY_BYTES + 1) }, duplex: 'half' };
    const response = await app.request('/v1/kv/over', init as RequestInit);
    expect(response.status).toBe(413);
    expect(response.headers.get('connection')).toBe('close');
    expect(service.calls).toEqual([]);
  });

  it('takes an empty body and a missing one', async () => {
    const { app, service } = createTestApp({ maxBodyBytes: MAX_BODY_BYTES });
    expect((await app.request('/v1/kv/empty', putStream([]))).status).toBe(200);
    expect(service.lookup(bytes('empty'))?.value).toEqual(new Uint8Array(0));
    expect((await app.request('/v1/kv/none', { method: 'PUT' })).status).toBe(200);
    expect(service.lookup(bytes('none'))?.value).toEqual(new Uint8Array(0));
  });
});
