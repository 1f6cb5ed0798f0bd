import { KvInputError } from './kv-input-error.js';

// The client limits, defined here only: the HTTP routes, the node's service and the command
// codec all check input with these functions. (The store's own bounds in @flotilla/storage are
// looser guards on its disk formats, not limits a client meets.)

export const MAX_KEY_BYTES = 4096;
export const MAX_VALUE_BYTES = 1_048_576;
/** Items one scan returns at most. */
export const MAX_SCAN_LIMIT = 10_000;

export function validateKey(key: Uint8Array): void {
  if (key.byteLength === 0) throw new KvInputError('key_empty', 'key must not be empty');
  if (key.byteLength > MAX_KEY_BYTES) {
    throw new KvInputError('key_too_large', `key is ${key.byteLength} bytes, the limit is ${MAX_KEY_BYTES}`);
  }
}

export function validateValue(value: Uint8Array): void {
  if (value.byteLength > MAX_VALUE_BYTES) {
    throw new KvInputError('value_too_large', `value is ${value.byteLength} bytes, the limit is ${MAX_VALUE_BYTES}`);
  }
}

/** A scan prefix: any bytes a key may start with, so no longer than a key (empty scans everything). */
export function validatePrefix(prefix: Uint8Array): void {
  if (prefix.byteLength > MAX_KEY_BYTES) {
    throw new KvInputError('prefix_too_large', `prefix is ${prefix.byteLength} bytes, keys are at most ${MAX_KEY_BYTES}`);
  }
}

export function validateScanLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_SCAN_LIMIT) {
    throw new KvInputError('scan_limit_invalid', `a scan limit must be an integer from 1 to ${MAX_SCAN_LIMIT}, got ${limit}`);
  }
}

/** A compare-and-swap revision: 0 ("absent") or a revision the shard may have handed out. */
export function validateRevision(revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new KvInputError('revision_invalid', `revision must be a non-negative safe integer, got ${revision}`);
  }
}
