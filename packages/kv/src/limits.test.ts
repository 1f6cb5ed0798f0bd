import { describe, expect, it } from 'vitest';
import { KvInputError } from './kv-input-error.js';
import {
  MAX_KEY_BYTES,
  MAX_SCAN_LIMIT,
  MAX_VALUE_BYTES,
  validateKey,
  validatePrefix,
  validateRevision,
  validateScanLimit,
  validateValue,
} from './limits.js';

describe('limits', () => {
  it('accepts keys of 1 to 4096 bytes and values up to 1 MiB', () => {
    expect(MAX_KEY_BYTES).toBe(4096);
    expect(MAX_VALUE_BYTES).toBe(1_048_576);
    expect(() => validateKey(new Uint8Array(1))).not.toThrow();
    expect(() => validateKey(new Uint8Array(4096))).not.toThrow();
    expect(() => validateValue(new Uint8Array(0))).not.toThrow();
    expect(() => validateValue(new Uint8Array(1_048_576))).not.toThrow();
    expect(() => validateRevision(0)).not.toThrow();
    expect(() => validateRevision(Number.MAX_SAFE_INTEGER)).not.toThrow();
  });

  it('refuses the rest with a coded error that names the sizes', () => {
    expect(() => validateKey(new Uint8Array(0))).toThrow(expect.objectContaining({ code: 'key_empty' }));
    expect(() => validateKey(new Uint8Array(4097))).toThrow(
      expect.objectContaining({ code: 'key_too_large', message: 'key is 4097 bytes, the limit is 4096' }),
    );
    expect(() => validateValue(new Uint8Array(1_048_577))).toThrow(
      expect.objectContaining({ code: 'value_too_large', message: 'value is 1048577 bytes, the limit is 1048576' }),
    );
    for (const revision of [-1, 0.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => validateRevision(revision)).toThrow(expect.objectContaining({ code: 'revision_invalid' }));
    }
    expect(() => validateKey(new Uint8Array(0))).toThrow(KvInputError);
  });

  it('bounds scan prefixes like keys and scan limits to 1..10,000', () => {
    expect(MAX_SCAN_LIMIT).toBe(10_000);
    expect(() => validatePrefix(new Uint8Array(0))).not.toThrow();
    expect(() => validatePrefix(new Uint8Array(MAX_KEY_BYTES))).not.toThrow();
    expect(() => validatePrefix(new Uint8Array(MAX_KEY_BYTES + 1))).toThrow(expect.objectContaining({ code: 'prefix_too_large' }));
    expect(() => validateScanLimit(1)).not.toThrow();
    expect(() => validateScanLimit(MAX_SCAN_LIMIT)).not.toThrow();
    for (const limit of [0, -1, 2.5, Number.NaN, MAX_SCAN_LIMIT + 1]) {
      expect(() => validateScanLimit(limit)).toThrow(expect.objectContaining({ code: 'scan_limit_invalid' }));
    }
  });
});
