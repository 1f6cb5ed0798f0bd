import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { propertyParams } from '../testing/property-params.js';
import { createKeyHasher } from './key-hasher.js';
import type { KeyHasher } from './key-hasher.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

let hasher: KeyHasher;
beforeAll(async () => {
  hasher = await createKeyHasher();
});

describe('createKeyHasher', () => {
  it('is xxh64 with seed 0 of an untagged key', () => {
    // Reference values of XXH64(seed 0) from the xxHash test vectors.
    expect(hasher.hash(new Uint8Array(0))).toBe(0xef46db3751d8e999n);
    expect(hasher.hash(utf8('abc'))).toBe(0x44bc2cf5ad770999n);
  });

  it('hashes a tagged key by its tag alone', () => {
    expect(hasher.hash(utf8('locks/{build}/a'))).toBe(hasher.hash(utf8('build')));
    expect(hasher.hash(utf8('locks/{build}/a'))).toBe(hasher.hash(utf8('locks/{build}/b')));
  });

  it('sends keys with the same tag to the same hash, whatever surrounds it', () => {
    const braceFree = fc.uint8Array({ maxLength: 24 }).map((bytes) => bytes.map((b) => (b === 0x7b || b === 0x7d ? 0x2e : b)));
    const nonEmptyTag = fc.uint8Array({ minLength: 1, maxLength: 16 }).filter((bytes) => !bytes.includes(0x7d));
    fc.assert(
      fc.property(braceFree, nonEmptyTag, fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ maxLength: 24 }), (prefix, tag, suffixA, suffixB) => {
        const key = (suffix: Uint8Array): Uint8Array => Uint8Array.from([...prefix, 0x7b, ...tag, 0x7d, ...suffix]);
        expect(hasher.hash(key(suffixA))).toBe(hasher.hash(key(suffixB)));
        expect(hasher.hash(key(suffixA))).toBe(hasher.hash(tag));
      }),
      propertyParams(300),
    );
  });

  it('returns a value inside [0, 2^64) and is stable for the same bytes at any offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat({ max: 8 }), (key, padding) => {
        const padded = new Uint8Array(padding + key.length);
        padded.set(key, padding);
        const hash = hasher.hash(key);
        expect(hash >= 0n && hash < 2n ** 64n).toBe(true);
        expect(hasher.hash(padded.subarray(padding))).toBe(hash);
      }),
      propertyParams(300),
    );
  });
});
