// etcd's v3 JSON gateway: keys and values travel base64-encoded in POST bodies; a range with
// no match answers 200 without `kvs`; errors are gRPC status JSON `{ error, code, message }`.
import type { ReadConsistency } from './load-spec.js';
import type { HttpRequestSpec, OpKind, RequestOutcome, TargetProtocol } from './target-protocol.js';
import { NOT_FOUND, OK, parseJsonObject } from './target-protocol.js';

export const ETCD_PUT_PATH = '/v3/kv/put';
export const ETCD_RANGE_PATH = '/v3/kv/range';

const base64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

export function encodeEtcdPut(key: string, valueBase64: string): Buffer {
  return Buffer.from(JSON.stringify({ key: base64(key), value: valueBase64 }));
}

/** Linearizable unless `serializable`, which etcd answers from the local member (stale). */
export function encodeEtcdRange(key: string, serializable: boolean): Buffer {
  return Buffer.from(JSON.stringify(serializable ? { key: base64(key), serializable: true } : { key: base64(key) }));
}

function post(path: string, body: Buffer): HttpRequestSpec {
  return { method: 'POST', path, headers: { 'content-type': 'application/json', 'content-length': body.length }, body };
}

// Error strings are kept short: they become the keys of the error table.
const MAX_ERROR_LABEL_CHARS = 80;

function errorText(body: Buffer | undefined): string {
  const parsed = parseJsonObject(body);
  const message = parsed?.['error'] ?? parsed?.['message'];
  if (typeof message === 'string') return message.slice(0, MAX_ERROR_LABEL_CHARS);
  const code = parsed?.['code'];
  return typeof code === 'number' ? `grpc code ${code}` : 'no error message';
}

export function createEtcdProtocol(value: Buffer, consistency: ReadConsistency): TargetProtocol {
  if (consistency.mode === 'bounded') throw new RangeError('etcd has no bounded-staleness reads');
  const serializable = consistency.mode === 'stale';
  const valueBase64 = value.toString('base64');
  return {
    readRequest: (key: string) => post(ETCD_RANGE_PATH, encodeEtcdRange(key, serializable)),
    writeRequest: (key: string) => post(ETCD_PUT_PATH, encodeEtcdPut(key, valueBase64)),
    needsBody: (op: OpKind, status: number) => op === 'read' || status >= 300,
    classify(op: OpKind, status: number, body: Buffer | undefined): RequestOutcome {
      if (status >= 200 && status < 300) {
        // Decoding the whole range reply would cost the generator more than the check is worth.
        return op === 'read' && body?.includes('"kvs"') !== true ? NOT_FOUND : OK;
      }
      return { kind: 'error', label: `HTTP ${status} ${errorText(body)}` };
    },
  };
}
