import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from './xoshiro128.js';

describe('Xoshiro128', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const draw = (seed: number): number[] => {
      const random = new Xoshiro128(seed);
      return Array.from({ length: 8 }, () => random.nextUint32());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw(1)).not.toEqual(draw(1 + 2 ** 32));
  });

  it('stays within bounds and covers every value of a small range about evenly', () => {
    const random = new Xoshiro128(7);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) {
      const value = random.int(6);
      counts[value] = (counts[value] ?? 0) + 1;
    }
    for (const count of counts) expect(count).toBeGreaterThan(9_000);
    for (let i = 0; i < 1000; i++) {
      const value = random.between(3, 5);
      expect(value >= 3 && value <= 5).toBe(true);
      expect(random.float()).toBeLessThan(1);
    }
  });

  it('forks independent streams deterministically', () => {
    const a = new Xoshiro128(9).fork();
    const b = new Xoshiro128(9).fork();
    expect(a.nextUint32()).toBe(b.nextUint32());
  });

  it('refuses bad seeds and bounds', () => {
    expect(() => new Xoshiro128(-1)).toThrow(RangeError);
    expect(() => new Xoshiro128(1.5)).toThrow(RangeError);
    expect(() => new Xoshiro128(1).int(0)).toThrow(RangeError);
    expect(() => new Xoshiro128(1).pick([])).toThrow(RangeError);
  });
});
