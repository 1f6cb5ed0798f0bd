import { describe, expect, it } from 'vitest';
import { CorruptStateError } from './corrupt-state-error.js';
import { decodeStateBlob, encodeStateBlob } from './state-blob.js';

describe('state blob', () => {
  it('round-trips the revision and applied index', () => {
    for (const state of [{ revision: 0, appliedIndex: 0 }, { revision: 41, appliedIndex: 97 }, { revision: Number.MAX_SAFE_INTEGER, appliedIndex: 1 }]) {
      expect(decodeStateBlob(encodeStateBlob(state))).toEqual(state);
    }
  });

  it('refuses truncated, extended or unknown-version blobs', () => {
    const good = encodeStateBlob({ revision: 3, appliedIndex: 4 });
    expect(() => decodeStateBlob(good.subarray(0, good.length - 1))).toThrow(CorruptStateError);
    expect(() => decodeStateBlob(Uint8Array.from([...good, 0]))).toThrow(/trailing/);
    expect(() => decodeStateBlob(Uint8Array.from([2, ...good.subarray(1)]))).toThrow(/format version/);
  });
});
