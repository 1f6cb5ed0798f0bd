import { decode, encode } from 'cbor-x';
import type { ApplyResult } from '@flotilla/kv';
import { SERVICE_ERROR_CODES, ServiceError } from './service.js';

// Node-to-node calls of the service, CBOR-encoded (plain CBOR, never shared structures, so
// any node's decoder reads any other's bytes). A service error travels inside the answer so
// that its code survives; anything else the peer throws arrives as a transport error.

export type PeerRequest =
  /** Run an encoded KV command where the sender believes this node leads its shard. */
  | { readonly kind: 'execute'; readonly command: Uint8Array }
  /**
   * Learn each other's client URL, for redirecting clients to a leader. `started` names the
   * sender's process start: a new one tells the receiver's leaders that the peer restarted.
   */
  | { readonly kind: 'hello'; readonly clientUrl: string; readonly started?: number };

export type PeerAnswer =
  | { readonly kind: 'executed'; readonly group: number; readonly logIndex: number; readonly term: number; readonly result: ApplyResult }
  | { readonly kind: 'hello'; readonly clientUrl: string }
  | { readonly kind: 'error'; readonly code: ServiceError['code']; readonly message: string; readonly details: ServiceError['details'] };

export const encodePeerMessage = (message: PeerRequest | PeerAnswer): Uint8Array => encode(message);

const isObjectWithKind = (value: unknown): value is { kind: unknown } =>
  typeof value === 'object' && value !== null && 'kind' in value;

export function decodePeerRequest(bytes: Uint8Array): PeerRequest {
  const value: unknown = decode(bytes);
  if (isObjectWithKind(value)) {
    if (value.kind === 'execute' && 'command' in value && value.command instanceof Uint8Array) return value as PeerRequest;
    if (value.kind === 'hello' && 'clientUrl' in value && typeof value.clientUrl === 'string') {
      const started = (value as { started?: unknown }).started;
      if (started === undefined || Number.isSafeInteger(started)) return value as PeerRequest;
    }
  }
  throw new Error('malformed peer request');
}

const KNOWN_ERROR_CODES: ReadonlySet<unknown> = new Set(SERVICE_ERROR_CODES);

const isWellFormedAnswer = (value: { kind: unknown }): boolean => {
  const fields = value as Record<string, unknown>;
  switch (value.kind) {
    case 'executed':
      return (
        typeof fields['group'] === 'number' &&
        typeof fields['logIndex'] === 'number' &&
        typeof fields['term'] === 'number' &&
        typeof fields['result'] === 'object' &&
        fields['result'] !== null
      );
    case 'hello':
      return typeof fields['clientUrl'] === 'string';
    case 'error':
      return (
        KNOWN_ERROR_CODES.has(fields['code']) &&
        typeof fields['message'] === 'string' &&
        typeof fields['details'] === 'object' &&
        fields['details'] !== null
      );
    default:
      return false;
  }
};

export function decodePeerAnswer(bytes: Uint8Array): PeerAnswer {
  const value: unknown = decode(bytes);
  // A peer of another version may answer in a shape this node cannot use; that must not pass as an answer.
  if (!isObjectWithKind(value) || !isWellFormedAnswer(value)) throw new Error('malformed peer answer');
  return value as PeerAnswer;
}

export const errorAnswer = (error: ServiceError): PeerAnswer => ({
  kind: 'error',
  code: error.code,
  message: error.message,
  details: error.details,
});

export const errorFromAnswer = (answer: Extract<PeerAnswer, { kind: 'error' }>): ServiceError =>
  new ServiceError(answer.code, answer.message, answer.details);
