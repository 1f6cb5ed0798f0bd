import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { Logger } from 'pino';
import { jsonResponse } from './direct-response.js';
import type { HttpCounters } from './http-counters.js';
import { errorBody } from './http-error.js';
import { answerParserError, isClientGone } from './parser-error-response.js';
import type { ParserError } from './parser-error-response.js';
import { ConnectionGuard } from './connection-guard.js';
import type { ConnectionLimits } from './connection-guard.js';

export interface HttpServerOptions {
  readonly logger: Logger;
  /** The app's counters (`createApp`), so `/v1/status` shows what the server did. */
  readonly counters: HttpCounters;
  readonly limits: ConnectionLimits;
  /** HTTPS with this certificate and key; absent: plain HTTP. */
  readonly tls?: { readonly cert: string; readonly key: string } | undefined;
}

/**
 * The Node HTTP server for an app: node-server's request listener behind the connection
 * limits, with JSON answers for requests the parser or node-server refuse. Not yet listening.
 */
export const createHttpServer = (app: Hono, options: HttpServerOptions): Server => {
  const { logger, counters } = options;
  const guard = new ConnectionGuard(options.limits, counters, logger);
  const handle = getRequestListener(app.fetch, {
    // For an HTTP/1.0 request without Host: node-server needs one to build the Request's URL,
    // which no route reads (they read the target as sent).
    hostname: 'localhost',
    // node-server refuses a target or Host header it cannot make a URL of, with an empty 400.
    errorHandler: (error: unknown) =>
      jsonResponse(errorBody('bad_request', error instanceof Error ? error.message : 'the request could not be read'), 400),
  });
  const listener = (request: IncomingMessage, response: ServerResponse): void => guard.admit(request, response, () => handle(request, response));
  const { tls } = options;
  const server: Server = tls === undefined ? createServer(listener) : createHttpsServer({ cert: tls.cert, key: tls.key }, listener);
  guard.attach(server);
  server.on('clientError', (error: ParserError, socket) => {
    // A client gone mid-body is counted once, by the body reader of its request.
    if (!isClientGone(error)) counters.malformedRequests += 1;
    logger.debug({ code: error.code, reason: error.reason ?? error.message }, 'the HTTP parser refused a request');
    answerParserError(error, socket);
  });
  return server;
};
