import type { Hono } from 'hono';
import type { KvService } from '@flotilla/multiraft';
import { validateKey } from '@flotilla/kv';
import { bytesToJsonField } from './bytes-json.js';
import { badRequest } from './http-error.js';
import { committedJson, keyValueJson } from './kv-json.js';
import { parseProposeBody } from './propose-command.js';
import { QueryString } from './query-string.js';
import { booleanParam } from './query-values.js';
import { requestBody } from './request-body.js';
import { requestTarget } from './request-target.js';

/** Lenient like `Request.text()`: a bad byte becomes U+FFFD and JSON.parse judges the rest. */
const utf8 = new TextDecoder();

export const PROPOSE_PATH = '/propose';
export const READ_PATH = '/read';

/** The Raft-level face: propose on THIS node (a follower redirects), read here or linearizably. */
export const registerProposeRoutes = (app: Hono, service: KvService): void => {
  app.post(PROPOSE_PATH, async (c) => {
    QueryString.parse(requestTarget(c), []);
    const command = parseProposeBody(utf8.decode(requestBody(c)));
    return c.json(committedJson(await service.executeHere(command)));
  });

  app.get(READ_PATH, async (c) => {
    const query = QueryString.parse(requestTarget(c), ['key', 'linearizable']);
    const key = query.bytes('key');
    if (key === undefined) throw badRequest('bad_query', 'the query needs key=K');
    validateKey(key);
    const linearizable = booleanParam(query, 'linearizable', true);
    const found = await service.get(key, linearizable ? { kind: 'linearizable' } : { kind: 'stale' });
    if (found === undefined) return c.json({ ...bytesToJsonField('key', key), found: false });
    return c.json({ found: true, ...keyValueJson(found) });
  });
};
