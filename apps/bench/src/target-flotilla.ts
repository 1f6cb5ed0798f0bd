// Flotilla's HTTP API: PUT /v1/kv/{key} with the raw value, GET with the read consistency in
// the query; errors are JSON `{ error: { code, message } }`.
import type { ReadConsistency } from './load-spec.js';
import type { HttpRequestSpec, OpKind, RequestOutcome, TargetProtocol } from './target-protocol.js';
import { NOT_FOUND, OK, parseJsonObject } from './target-protocol.js';

function consistencyQuery(consistency: ReadConsistency): string {
  switch (consistency.mode) {
    case 'linearizable':
      return 'consistency=linearizable';
    case 'stale':
      return 'consistency=stale';
    case 'bounded':
      return `consistency=bounded&max_staleness_ms=${consistency.maxStalenessMs}`;
  }
}

function errorCode(body: Buffer | undefined): string {
  const error = parseJsonObject(body)?.['error'];
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') return error.code;
  return 'no error code';
}

export function kvPath(key: string): string {
  return `/v1/kv/${encodeURIComponent(key)}`;
}

export function createFlotillaProtocol(value: Buffer, consistency: ReadConsistency): TargetProtocol {
  const query = consistencyQuery(consistency);
  const writeHeaders = { 'content-type': 'application/octet-stream', 'content-length': value.length };
  return {
    readRequest: (key: string): HttpRequestSpec => ({ method: 'GET', path: `${kvPath(key)}?${query}`, headers: {}, body: undefined }),
    writeRequest: (key: string): HttpRequestSpec => ({ method: 'PUT', path: kvPath(key), headers: writeHeaders, body: value }),
    needsBody: (_op: OpKind, status: number) => status >= 300,
    classify(op: OpKind, status: number, body: Buffer | undefined): RequestOutcome {
      if (status >= 200 && status < 300) return OK;
      if (op === 'read' && status === 404) return NOT_FOUND;
      return { kind: 'error', label: `HTTP ${status} ${errorCode(body)}` };
    },
  };
}
