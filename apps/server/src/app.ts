import { Hono } from 'hono';
import type { Context } from 'hono';
import type { Logger } from 'pino';
import { ServiceError } from '@flotilla/multiraft';
import type { KvService } from '@flotilla/multiraft';
import { KvInputError } from '@flotilla/kv';
import { jsonResponse } from './direct-response.js';
import { HEALTH_PATH, LIVEZ_PATH, READYZ_PATH, registerHealthRoutes, STATUS_PATH } from './health-routes.js';
import { errorBody, HttpError } from './http-error.js';
import { KEY_ROUTE, KV_PREFIX, registerKvRoutes } from './kv-routes.js';
import { PROPOSE_PATH, READ_PATH, registerProposeRoutes } from './propose-routes.js';
import type { HttpCounters } from './http-counters.js';
import { newHttpCounters } from './http-counters.js';
import { bodyReader, ClientGoneError } from './request-body.js';
import { httpErrorFromServiceError } from './service-error-response.js';
import { createNodeMetrics, METRICS_PATH, registerMetricsRoute } from './metrics.js';
import { registerUiRoute, UI_PATH } from './ui/cluster-page.js';
import { pathOf, requestTarget, routingPath } from './request-target.js';

/** A value (1 MiB) plus room for base64 and JSON around it in `/propose`. */
export const DEFAULT_MAX_BODY_BYTES = 1_572_864;

export interface AppOptions {
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
  /** Shared with the HTTP server (`createHttpServer`); fresh ones when not given. */
  readonly counters?: HttpCounters;
}

/** Every route and the methods it answers; any other method on it is a 405. */
const ALLOWED_METHODS: readonly (readonly [string, readonly string[]])[] = [
  [KV_PREFIX, ['GET', 'HEAD']],
  [KEY_ROUTE, ['GET', 'HEAD', 'PUT', 'DELETE']],
  [PROPOSE_PATH, ['POST']],
  [READ_PATH, ['GET', 'HEAD']],
  [STATUS_PATH, ['GET', 'HEAD']],
  [HEALTH_PATH, ['GET', 'HEAD']],
  [LIVEZ_PATH, ['GET', 'HEAD']],
  [READYZ_PATH, ['GET', 'HEAD']],
  [METRICS_PATH, ['GET', 'HEAD']],
  [UI_PATH, ['GET', 'HEAD']],
];

const isReadMethod = (method: string): boolean => method === 'GET' || method === 'HEAD';

const toHttpError = (error: unknown, c: Context): HttpError | undefined => {
  if (error instanceof HttpError) return error;
  if (error instanceof ServiceError) {
    // A raw `#` is a byte of the key here, but would start a fragment in a Location header.
    const pathAndQuery = requestTarget(c).replaceAll('#', '%23');
    return httpErrorFromServiceError(error, { pathAndQuery, isWrite: !isReadMethod(c.req.method) });
  }
  if (error instanceof KvInputError) {
    // A key or value over the documented limits is content too large; the rest is bad input.
    const tooLarge = error.code === 'key_too_large' || error.code === 'value_too_large';
    return new HttpError(tooLarge ? 413 : 400, error.code, error.message);
  }
  return undefined;
};

/** The HTTP face of one node: `/v1/kv`, `/propose`, `/read`, status and probes. */
export const createApp = (service: KvService, options: AppOptions): Hono => {
  const { logger } = options;
  const counters = options.counters ?? newHttpCounters();
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const app = new Hono({ getPath: routingPath });
  const metrics = createNodeMetrics(service, counters);

  // First, so that its clock covers reading the body and its count every answer.
  app.use('*', metrics.middleware);

  // Every body is read, within the limit, before a route (or a 405, or a 404) answers.
  app.use('*', bodyReader(maxBodyBytes));

  registerKvRoutes(app, service);
  registerProposeRoutes(app, service);
  registerHealthRoutes(app, service, counters);
  registerMetricsRoute(app, metrics);
  registerUiRoute(app);

  for (const [path, methods] of ALLOWED_METHODS) {
    app.all(path, (c) => {
      throw new HttpError(405, 'method_not_allowed', `${c.req.method} is not allowed here; use ${methods.join(', ')}`, {}, {
        Allow: methods.join(', '),
      });
    });
  }

  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${pathOf(requestTarget(c))}`), 404));

  app.onError((error, c) => {
    if (error instanceof ClientGoneError) {
      // Clients hang up; nobody is left to read an answer, and nothing failed here.
      counters.clientsGone += 1;
      logger.debug({ method: c.req.method, target: requestTarget(c) }, error.message);
      return jsonResponse(errorBody('client_gone', error.message), 400);
    }
    const httpError = toHttpError(error, c);
    if (httpError !== undefined) {
      return jsonResponse(errorBody(httpError.code, httpError.message, httpError.details), httpError.status, httpError.headers);
    }
    logger.error({ err: error, method: c.req.method, target: requestTarget(c) }, 'request failed with an unexpected error');
    return c.json(errorBody('internal', 'internal error; the server logged the details'), 500);
  });

  return app;
};
