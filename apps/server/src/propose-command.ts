import type { KvCommand } from '@flotilla/multiraft';
import { validateKey, validateValue } from '@flotilla/kv';
import { bytesFromJsonField, ownField } from './bytes-json.js';
import { badRequest } from './http-error.js';

type JsonObject = Readonly<Record<string, unknown>>;

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// A Map, not an object literal: `op` is the client's text, and `toString` or `__proto__` must
// find nothing rather than what every object inherits.
const FIELDS_BY_OP: ReadonlyMap<string, readonly string[]> = new Map([
  ['put', ['op', 'key', 'key_base64', 'value', 'value_base64', 'if_revision']],
  ['delete', ['op', 'key', 'key_base64', 'if_revision']],
]);

const rejectUnknownFields = (object: JsonObject, allowed: readonly string[], where: string): void => {
  for (const field of Object.keys(object)) {
    if (!allowed.includes(field)) throw badRequest('bad_json', `unknown field "${field}" in ${where}`);
  }
};

const ifRevisionField = (command: JsonObject): number | undefined => {
  const ifRevision = ownField(command, 'if_revision');
  if (ifRevision === undefined) return undefined;
  if (typeof ifRevision !== 'number' || !Number.isSafeInteger(ifRevision) || ifRevision < 0) {
    throw badRequest('bad_json', '"if_revision" must be an integer ≥ 0');
  }
  return ifRevision;
};

/**
 * Reads the body of `POST /propose`:
 * `{ "command": { "op": "put", "key", "value" | "value_base64", "if_revision"? } | { "op": "delete", "key", "if_revision"? } }`
 * (`key_base64` in place of `key` for binary keys). Throws a 400 (or 413 for a large value)
 * before anything is proposed.
 */
export const parseProposeBody = (bodyText: string): KvCommand => {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    throw badRequest('bad_json', `the body is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(body)) throw badRequest('bad_json', 'the body must be a JSON object { "command": { ... } }');
  rejectUnknownFields(body, ['command'], 'the body');
  const command = ownField(body, 'command');
  if (!isObject(command)) throw badRequest('bad_json', '"command" must be an object');
  const op = ownField(command, 'op');
  const fields = typeof op === 'string' ? FIELDS_BY_OP.get(op) : undefined;
  if (fields === undefined) throw badRequest('bad_json', '"command.op" must be "put" or "delete"');
  rejectUnknownFields(command, fields, 'the command');

  const key = bytesFromJsonField(command, 'key');
  if (key === undefined) throw badRequest('bad_json', 'the command needs "key" (or "key_base64")');
  validateKey(key);
  const ifRevision = ifRevisionField(command);
  const condition = ifRevision === undefined ? {} : { ifRevision };
  if (op === 'delete') return { op, key, ...condition };

  const value = bytesFromJsonField(command, 'value');
  if (value === undefined) throw badRequest('bad_json', 'a put needs "value" (or "value_base64")');
  validateValue(value);
  return { op: 'put', key, value, ...condition };
};
