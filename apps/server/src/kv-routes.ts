import type { Hono } from 'hono';
import type { KvCommand, KvResult, KvService } from '@flotilla/multiraft';
import { MAX_SCAN_LIMIT, validateKey, validatePrefix, validateValue } from '@flotilla/kv';
import { bytesResponse, jsonResponse } from './direct-response.js';
import { errorBody, HttpError } from './http-error.js';
import { keyValueJson } from './kv-json.js';
import { percentDecode } from './percent-decode.js';
import { QueryString } from './query-string.js';
import { consistencyParam, ifRevisionParam, integerParam } from './query-values.js';
import { requestBody } from './request-body.js';
import { pathOf, requestTarget } from './request-target.js';

export const KV_PREFIX = '/v1/kv';
const KEY_PATH_PREFIX = `${KV_PREFIX}/`;
/** Matches `/v1/kv/` and everything below it, but not `/v1/kv` itself (the scan). */
export const KEY_ROUTE = `${KEY_PATH_PREFIX}:key{.*}`;

const DEFAULT_SCAN_LIMIT = 100;

/**
 * The key is the rest of the path as sent, percent-decoded once and nothing else: it may hold
 * `/`, `..` or `#`; `%2F` and `/` are the same byte.
 */
const keyFromTarget = (target: string): Uint8Array => {
  const path = pathOf(target);
  if (!path.startsWith(KEY_PATH_PREFIX)) throw new Error(`kv route got a path outside ${KEY_PATH_PREFIX}: ${path}`);
  const key = percentDecode(path.slice(KEY_PATH_PREFIX.length), false);
  validateKey(key);
  return key;
};

const compareFailed = (expected: number, currentRevision: number): HttpError =>
  new HttpError(
    412,
    'compare_failed',
    currentRevision === 0
      ? `if_revision=${expected} but the key does not exist`
      : `if_revision=${expected} but the key's mod revision is ${currentRevision}`,
    { current_revision: currentRevision },
  );

/** A failed compare surfaces as 412 here; `/propose` reports it inside its result instead. */
const requireSuccess = (result: KvResult, ifRevision: number | undefined) => {
  if (result.succeeded) return result;
  throw compareFailed(ifRevision ?? 0, result.currentRevision);
};

const withIfRevision = <C extends KvCommand>(command: C, ifRevision: number | undefined): C =>
  ifRevision === undefined ? command : { ...command, ifRevision };

export const registerKvRoutes = (app: Hono, service: KvService): void => {
  app.get(KV_PREFIX, async (c) => {
    const query = QueryString.parse(requestTarget(c), ['prefix', 'limit', 'consistency', 'max_staleness_ms']);
    const prefix = query.bytes('prefix') ?? new Uint8Array(0);
    validatePrefix(prefix);
    const limit = integerParam(query, 'limit', 1, MAX_SCAN_LIMIT) ?? DEFAULT_SCAN_LIMIT;
    const scanned = await service.scan(prefix, limit, consistencyParam(query));
    return c.json({ items: scanned.items.map(keyValueJson), more: scanned.more });
  });

  app.put(KEY_ROUTE, async (c) => {
    const key = keyFromTarget(requestTarget(c));
    const ifRevision = ifRevisionParam(QueryString.parse(requestTarget(c), ['if_revision']));
    const value = requestBody(c);
    validateValue(value);
    const committed = await service.execute(withIfRevision({ op: 'put', key, value }, ifRevision));
    const result = requireSuccess(committed.result, ifRevision);
    if (result.op !== 'put') throw new Error(`a put was answered with a ${result.op} result`);
    return c.json({
      revision: result.revision,
      create_revision: result.createRevision,
      mod_revision: result.modRevision,
      version: result.version,
    });
  });

  app.delete(KEY_ROUTE, async (c) => {
    const key = keyFromTarget(requestTarget(c));
    const ifRevision = ifRevisionParam(QueryString.parse(requestTarget(c), ['if_revision']));
    const committed = await service.execute(withIfRevision({ op: 'delete', key }, ifRevision));
    const result = requireSuccess(committed.result, ifRevision);
    if (result.op !== 'delete') throw new Error(`a delete was answered with a ${result.op} result`);
    return c.json({ deleted: result.deleted, revision: result.revision });
  });

  app.get(KEY_ROUTE, async (c) => {
    const key = keyFromTarget(requestTarget(c));
    const consistency = consistencyParam(QueryString.parse(requestTarget(c), ['consistency', 'max_staleness_ms']));
    const found = await service.get(key, consistency);
    // Answered, not thrown: a miss is an ordinary read, and an Error's stack capture would cost
    // more than the rest of the request.
    if (found === undefined) return jsonResponse(errorBody('key_not_found', 'no such key'), 404);
    return bytesResponse(new Uint8Array(found.value), {
      'X-Flotilla-Create-Revision': String(found.createRevision),
      'X-Flotilla-Mod-Revision': String(found.modRevision),
      'X-Flotilla-Version': String(found.version),
    });
  });

};
