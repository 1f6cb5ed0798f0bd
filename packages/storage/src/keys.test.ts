import { describe, expect, it } from 'vitest';
import type { GroupId } from '@flotilla/raft';
import { compareBytes } from './bytes.js';
import { HASH_SPACE_END } from './hash-range.js';
import { decodeUserKey, groupRange, hardStateKey, keyIndexPrefixRange, logIndexOf, logKey, logRange, userKey, userRange } from './keys.js';

const g = (id: number): GroupId => id as GroupId;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const sorted = (keys: Uint8Array[]): Uint8Array[] => [...keys].sort(compareBytes);

describe('key layout', () => {
  it('orders log keys numerically within a group, and groups by id', () => {
    const keys = [logKey(g(1), 1), logKey(g(1), 255), logKey(g(1), 256), logKey(g(1), 2 ** 40), hardStateKey(g(1)), logKey(g(256), 1)];
    expect(sorted(keys.slice().reverse())).toEqual(keys);
    expect(logIndexOf(logKey(g(9), 2 ** 40 + 3))).toBe(2 ** 40 + 3);
  });

  it('keeps every raft record of a group, and only those, in its group range', () => {
    const range = groupRange(g(5));
    const inside = [logKey(g(5), 0), logKey(g(5), Number.MAX_SAFE_INTEGER), hardStateKey(g(5))];
    const outside = [logKey(g(4), 9), logKey(g(6), 0), userKey(0n, bytes('a'))];
    for (const key of inside) expect(compareBytes(key, range.gte) >= 0 && compareBytes(key, range.lt) < 0).toBe(true);
    for (const key of outside) expect(compareBytes(key, range.gte) >= 0 && compareBytes(key, range.lt) < 0).toBe(false);
    const tail = logRange(g(5), 10);
    expect(compareBytes(hardStateKey(g(5)), tail.lt)).toBeGreaterThanOrEqual(0);
  });

  it('maps a hash range to one contiguous user key range, including the end of the space', () => {
    const last = userKey(HASH_SPACE_END - 1n, bytes('\xff\xff'));
    const full = userRange({ start: 0n, end: HASH_SPACE_END });
    expect(compareBytes(last, full.lt)).toBeLessThan(0);
    const mid = userRange({ start: 10n, end: 20n });
    expect(compareBytes(userKey(19n, bytes('zzz')), mid.lt)).toBeLessThan(0);
    expect(compareBytes(userKey(20n, new Uint8Array(0)), mid.lt)).toBe(0);
    expect(decodeUserKey(userKey(77n, bytes('k/1')))).toEqual({ hash: 77n, key: bytes('k/1') });
  });

  it('bounds a key-prefix range to keys that start with the prefix', () => {
    const range = keyIndexPrefixRange(Uint8Array.of(0x61, 0xff));
    expect(range.lt).toEqual(Uint8Array.of(0x04, 0x62));
  });
});
