import { KvInputError } from './kv-input-error.js';

export const MAX_KEY_BYTES = 4096;
export const MAX_VALUE_BYTES = 1_048_576;

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

/** A compare-and-swap revision: 0 ("absent") or a revision the shard may have handed out. */
export function validateRevision(revision: number): void {
  if (!Number.isSafeInteger(revision) || revision < 0) {
    throw new KvInputError('revision_invalid', `revision must be a non-negative safe integer, got ${revision}`);
  }
}
