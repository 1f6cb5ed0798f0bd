import type { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { HttpError } from './http-error.js';
import { nodeRequestOf } from './request-target.js';

// Every request body is read here, whole and within a limit, before any route sees it.
// Under @hono/node-server the bytes come straight off Node's IncomingMessage: reaching for
// the Web Request's body would build an undici Request, a ReadableStream and an AbortSignal
// per request. Without a Node request (`app.request`, `app.fetch`), the Web Request is read.

const EMPTY_BODY = new Uint8Array(0);

/** GET and HEAD carry no body Flotilla reads; node-server gives their Web Request none either. */
const hasNoBody = (method: string): boolean => method === 'GET' || method === 'HEAD';

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by `bodyReader`; read it through `requestBody`. */
    requestBody: Uint8Array;
  }
}

/** The client closed its connection before its request body ended: expected, not a failure. */
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  constructor(cause?: Error) {
    super('the client closed the connection before the request body ended', cause === undefined ? {} : { cause });
  }
}

const payloadTooLarge = (maxBodyBytes: number): HttpError =>
  // `Connection: close` spares draining the rest of a body nobody will read.
  new HttpError(413, 'payload_too_large', `the request body exceeds ${maxBodyBytes} bytes`, {}, { Connection: 'close' });

/** A declared length over the limit is refused before a byte is read. */
const refuseDeclaredOverLimit = (contentLength: string | undefined, transferEncoding: string | undefined, maxBodyBytes: number): void => {
  // A chunked body declares no length, whatever its Content-Length says; it is counted as it comes.
  if (contentLength === undefined || transferEncoding !== undefined) return;
  if (Number(contentLength) > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
};

/** The body as one Uint8Array that owns its memory: never a view into a buffer shared with other data. */
const joinChunks = (chunks: readonly Uint8Array[], totalBytes: number): Uint8Array => {
  if (totalBytes === 0) return EMPTY_BODY;
  const only = chunks.length === 1 ? chunks[0] : undefined;
  // Node's HTTP parser copies each body chunk into an ArrayBuffer of its own: taken as it is.
  if (only !== undefined && only.byteOffset === 0 && only.buffer.byteLength === only.byteLength) return new Uint8Array(only.buffer);
  const joined = new Uint8Array(totalBytes);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
};

const readIncoming = (incoming: IncomingMessage, maxBodyBytes: number): Promise<Uint8Array> => {
  refuseDeclaredOverLimit(incoming.headers['content-length'], incoming.headers['transfer-encoding'], maxBodyBytes);
  if (incoming.readableDidRead || incoming.readableEnded) {
    throw new Error('the request body was already read before the body reader ran');
  }
  return new Promise((resolveBody, rejectBody) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    const onData = (chunk: Buffer): void => {
      receivedBytes += chunk.byteLength;
      if (receivedBytes <= maxBodyBytes) {
        chunks.push(chunk);
        return;
      }
      stopListening();
      // Read no further; the 413 closes the connection.
      incoming.pause();
      rejectBody(payloadTooLarge(maxBodyBytes));
    };
    const onEnd = (): void => {
      stopListening();
      resolveBody(joinChunks(chunks, receivedBytes));
    };
    // Node fails the body of a closed connection with "aborted" (ECONNRESET): the client left.
    const onError = (error?: Error): void => {
      stopListening();
      rejectBody(new ClientGoneError(error));
    };
    const onClose = (): void => onError();
    const stopListening = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    if (incoming.destroyed) {
      onClose();
      return;
    }
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
};

const readWebRequest = async (request: Request, maxBodyBytes: number): Promise<Uint8Array> => {
  const { headers } = request;
  refuseDeclaredOverLimit(headers.get('content-length') ?? undefined, headers.get('transfer-encoding') ?? undefined, maxBodyBytes);
  if (request.body === null) return EMPTY_BODY;
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let receivedBytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return joinChunks(chunks, receivedBytes);
    receivedBytes += value.byteLength;
    if (receivedBytes > maxBodyBytes) {
      await reader.cancel();
      throw payloadTooLarge(maxBodyBytes);
    }
    chunks.push(value);
  }
};

/**
 * Reads each request's body (but GET's and HEAD's) before the routes run. A declared length
 * over `maxBodyBytes` is a 413 before a byte is read; a chunked body is a 413 the moment it
 * passes the limit, so no more than `maxBodyBytes` is ever buffered.
 */
export const bodyReader = (maxBodyBytes: number): MiddlewareHandler => async (c, next) => {
  if (hasNoBody(c.req.method)) return next();
  const incoming = nodeRequestOf(c.env);
  const body = incoming === undefined ? await readWebRequest(c.req.raw, maxBodyBytes) : await readIncoming(incoming, maxBodyBytes);
  c.set('requestBody', body);
  return next();
};

/** The body `bodyReader` read for this request. */
export const requestBody = (c: Context): Uint8Array => {
  const body = c.get('requestBody');
  if (body === undefined) throw new Error(`no body was read for ${c.req.method} ${c.req.url}: is bodyReader installed?`);
  return body;
};
