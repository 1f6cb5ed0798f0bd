import type { Hono } from 'hono';
import type { KvService } from '@flotilla/multiraft';
import { jsonResponse } from './direct-response.js';
import type { HttpCounters } from './http-counters.js';
import { httpCountersJson } from './http-counters.js';
import { errorBody } from './http-error.js';
import { statusJson } from './status-json.js';

export const STATUS_PATH = '/v1/status';
export const HEALTH_PATH = '/health';
export const LIVEZ_PATH = '/livez';
export const READYZ_PATH = '/readyz';

const NOT_READY_RETRY_AFTER_SECONDS = '1';

export const registerHealthRoutes = (app: Hono, service: KvService, counters: HttpCounters): void => {
  app.get(STATUS_PATH, (c) => c.json({ ...statusJson(service.status()), http: httpCountersJson(counters) }));

  // etcd's shape, so existing probes and dashboards read it unchanged.
  app.get(HEALTH_PATH, (c) =>
    service.isReady()
      ? c.json({ health: 'true' })
      : c.json({ health: 'false', reason: 'a shard has no known leader, or the node is shutting down' }, 503),
  );

  app.get(LIVEZ_PATH, (c) => c.text('ok'));

  app.get(READYZ_PATH, (c) =>
    service.isReady()
      ? c.text('ok')
      : jsonResponse(errorBody('not_ready', 'a shard has no known leader, or the node is shutting down'), 503, {
          'Retry-After': NOT_READY_RETRY_AFTER_SECONDS,
        }),
  );
};
