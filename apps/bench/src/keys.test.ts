import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@flotilla/raft';
import { createKeyChooser, formatKey, KeySequence, makeValue, minKeySizeBytes } from './keys.js';

describe('keys', () => {
  it('formats a key of exactly the asked size', () => {
    expect(formatKey(42, 16)).toBe('k000000000000042');
    expect(formatKey(0, 2)).toBe('k0');
    expect(() => formatKey(100, 3)).toThrow(RangeError);
  });

  it('knows the shortest key size of a key space', () => {
    expect(minKeySizeBytes(1)).toBe(2);
    expect(minKeySizeBytes(10)).toBe(2);
    expect(minKeySizeBytes(11)).toBe(3);
    expect(minKeySizeBytes(1_000_000)).toBe(7);
  });

  it('replays the same random keys from the same seed and differs across seeds', () => {
    const draw = (seed: number) => {
      const choose = createKeyChooser(1_000_000, 16, new Xoshiro128(seed));
      return Array.from({ length: 50 }, () => choose());
    };
    expect(draw(9)).toEqual(draw(9));
    expect(draw(9)).not.toEqual(draw(10));
    expect(draw(9).every((key) => key.length === 16 && Number(key.slice(1)) < 1_000_000)).toBe(true);
  });

  it('walks a shared sequence once over the key space, then wraps', () => {
    const sequence = new KeySequence(3);
    const first = createKeyChooser(3, 4, new Xoshiro128(1), sequence);
    const second = createKeyChooser(3, 4, new Xoshiro128(2), sequence);
    expect([first(), second(), first(), second()]).toEqual(['k000', 'k001', 'k002', 'k000']);
  });

  it('builds values of the asked size', () => {
    expect(makeValue(0).length).toBe(0);
    expect(makeValue(256).length).toBe(256);
  });
});
