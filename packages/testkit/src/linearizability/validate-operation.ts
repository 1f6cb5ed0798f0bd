// Turns untrusted input (a parsed JSON line, or an object a test built) into a KvOperation,
// refusing anything the checker could misread: a wrong verdict is worse than an error.
import { InvalidHistoryError } from './invalid-history-error.js';
import type { KvOperation, OperationStatus } from './operation.js';

const allowedFields: Readonly<Record<KvOperation['op'], readonly string[]>> = {
  get: ['found', 'got'],
  put: ['value'],
  cas: ['expect', 'value', 'swapped'],
  delete: ['deleted'],
};
const commonFields = ['client', 'op', 'key', 'call', 'ret', 'status'];

/** `where` names the operation in error messages, e.g. "line 12". */
export function validateOperation(input: unknown, where: string): KvOperation {
  const fail = (problem: string): never => {
    throw new InvalidHistoryError(`${where}: ${problem}`);
  };
  if (typeof input !== 'object' || input === null || Array.isArray(input)) fail('an operation must be an object');
  const record = input as Record<string, unknown>;
  const field = (name: string): unknown => (Object.hasOwn(record, name) ? record[name] : undefined);

  const op = field('op');
  if (op !== 'get' && op !== 'put' && op !== 'cas' && op !== 'delete') {
    return fail(`"op" must be one of get, put, cas, delete (got ${JSON.stringify(op)})`);
  }
  for (const name of Object.keys(record)) {
    if (!commonFields.includes(name) && !allowedFields[op].includes(name)) fail(`unexpected field "${name}" for ${op}`);
  }

  const client = field('client');
  if (typeof client !== 'number' || !Number.isSafeInteger(client) || client < 0) fail('"client" must be a non-negative integer');
  const key = field('key');
  if (typeof key !== 'string') fail('"key" must be a string');
  const call = field('call');
  if (typeof call !== 'number' || !Number.isFinite(call)) fail('"call" must be a finite number');
  const status = field('status');
  if (status !== 'ok' && status !== 'unknown') return fail('"status" must be "ok" or "unknown"');
  const ret = field('ret');
  if (status === 'unknown' && ret !== null) fail('"ret" must be null when the status is unknown');
  if (status === 'ok' && (typeof ret !== 'number' || !Number.isFinite(ret))) fail('"ret" must be a finite number when the status is ok');
  if (typeof ret === 'number' && ret < (call as number)) fail(`"ret" (${ret}) is before "call" (${String(call)})`);

  const knownStatus: OperationStatus = status;
  const base = { client: client as number, key: key as string, call: call as number, ret: ret as number | null, status: knownStatus };
  const outcomeAbsent = (names: readonly string[]): void => {
    if (status !== 'unknown') return;
    for (const name of names) if (field(name) !== undefined) fail(`"${name}" must be absent when the status is unknown`);
  };
  const stringField = (name: string): string => {
    const value = field(name);
    return typeof value === 'string' ? value : fail(`"${name}" must be a string for ${op}`);
  };

  switch (op) {
    case 'get': {
      outcomeAbsent(['found', 'got']);
      if (status === 'unknown') return { ...base, op };
      const found = field('found');
      if (typeof found !== 'boolean') return fail('"found" must be a boolean for a get with status ok');
      if (!found) {
        if (field('got') !== undefined) fail('"got" must be absent when "found" is false');
        return { ...base, op, found };
      }
      return { ...base, op, found, got: stringField('got') };
    }
    case 'put':
      return { ...base, op, value: stringField('value') };
    case 'cas': {
      outcomeAbsent(['swapped']);
      const value = stringField('value');
      const expectField = field('expect');
      if (expectField !== undefined && typeof expectField !== 'string') fail('"expect" must be a string or absent');
      const expect = expectField === undefined ? {} : { expect: expectField as string };
      if (status === 'unknown') return { ...base, op, ...expect, value };
      const swapped = field('swapped');
      if (typeof swapped !== 'boolean') return fail('"swapped" must be a boolean for a cas with status ok');
      return { ...base, op, ...expect, value, swapped };
    }
    case 'delete': {
      outcomeAbsent(['deleted']);
      const deleted = field('deleted');
      if (deleted === undefined) return { ...base, op };
      if (typeof deleted !== 'boolean') return fail('"deleted" must be a boolean or absent');
      return { ...base, op, deleted };
    }
  }
}
