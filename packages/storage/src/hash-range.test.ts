import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkHashRange,
  coversHashSpace,
  findRange,
  FULL_HASH_RANGE,
  HASH_SPACE_END,
  isValidHashRange,
  rangeContains,
  rangeContainsRange,
  rangesOverlap,
  splitHashSpace,
} from './hash-range.js';
import type { HashRange } from './hash-range.js';

/** fast-check runs from a fixed seed and prints it, with the shrunk case, on a failure. */
const seed = 0x5eed_f107;
const hashArb = fc.bigInt({ min: 0n, max: HASH_SPACE_END - 1n });
const countArb = fc.integer({ min: 1, max: 300 });

describe('splitHashSpace', () => {
  it('covers the space with contiguous, non-empty ranges of near-equal size', () => {
    fc.assert(
      fc.property(countArb, (count) => {
        const ranges = splitHashSpace(count);
        expect(ranges).toHaveLength(count);
        expect(ranges[0]?.start).toBe(0n);
        expect(ranges.at(-1)?.end).toBe(HASH_SPACE_END);
        ranges.forEach((range, i) => {
          expect(range.start).toBeLessThan(range.end);
          const next = ranges[i + 1];
          if (next !== undefined) expect(next.start).toBe(range.end);
        });
        const sizes = ranges.map((range) => range.end - range.start);
        const smallest = sizes.reduce((a, b) => (a < b ? a : b));
        const largest = sizes.reduce((a, b) => (a > b ? a : b));
        expect(largest - smallest).toBeLessThanOrEqual(1n);
        expect(coversHashSpace(ranges)).toBe(true);
      }),
      { seed, numRuns: 200 },
    );
  });

  it('puts every hash in exactly one range, the one findRange returns', () => {
    fc.assert(
      fc.property(countArb, hashArb, (count, hash) => {
        const ranges = splitHashSpace(count);
        const holders = ranges.filter((range) => rangeContains(range, hash));
        expect(holders).toHaveLength(1);
        expect(findRange(ranges, hash)).toBe(holders[0]);
      }),
      { seed, numRuns: 500 },
    );
  });

  it('gives the full range for one shard and refuses a non-positive or fractional count', () => {
    expect(splitHashSpace(1)).toEqual([FULL_HASH_RANGE]);
    expect(() => splitHashSpace(0)).toThrow(RangeError);
    expect(() => splitHashSpace(1.5)).toThrow(RangeError);
  });
});

describe('findRange', () => {
  it('finds the edges of every range and nothing in a gap', () => {
    const ranges: HashRange[] = [
      { start: 0n, end: 10n },
      { start: 20n, end: 30n },
      { start: 30n, end: HASH_SPACE_END },
    ];
    expect(findRange(ranges, 0n)).toBe(ranges[0]);
    expect(findRange(ranges, 9n)).toBe(ranges[0]);
    expect(findRange(ranges, 10n)).toBeUndefined();
    expect(findRange(ranges, 19n)).toBeUndefined();
    expect(findRange(ranges, 20n)).toBe(ranges[1]);
    expect(findRange(ranges, 30n)).toBe(ranges[2]);
    expect(findRange(ranges, HASH_SPACE_END - 1n)).toBe(ranges[2]);
    expect(findRange([], 5n)).toBeUndefined();
  });

  it('returns the caller’s own element type, so a shard table is searched as is', () => {
    const shards = splitHashSpace(4).map((range, i) => ({ ...range, shardId: i + 1 }));
    expect(findRange(shards, HASH_SPACE_END / 2n)?.shardId).toBe(3);
  });
});

describe('range helpers', () => {
  it('agree with a pointwise definition on random ranges', () => {
    const rangeArb = fc
      .tuple(fc.bigInt({ min: 0n, max: 64n }), fc.bigInt({ min: 0n, max: 64n }))
      .filter(([a, b]) => a !== b)
      .map(([a, b]): HashRange => (a < b ? { start: a, end: b } : { start: b, end: a }));
    fc.assert(
      fc.property(rangeArb, rangeArb, (a, b) => {
        const points = Array.from({ length: 65 }, (_, i) => BigInt(i));
        const inA = points.filter((p) => rangeContains(a, p));
        const inB = points.filter((p) => rangeContains(b, p));
        expect(rangesOverlap(a, b)).toBe(inA.some((p) => inB.includes(p)));
        expect(rangeContainsRange(a, b)).toBe(inB.every((p) => inA.includes(p)));
      }),
      { seed, numRuns: 300 },
    );
  });

  it('recognises valid ranges and full covers', () => {
    expect(isValidHashRange(FULL_HASH_RANGE)).toBe(true);
    expect(isValidHashRange({ start: 5n, end: 5n })).toBe(false);
    expect(isValidHashRange({ start: -1n, end: 5n })).toBe(false);
    expect(isValidHashRange({ start: 0n, end: HASH_SPACE_END + 1n })).toBe(false);
    expect(() => checkHashRange({ start: 5n, end: 5n })).toThrow(RangeError);
    expect(checkHashRange(FULL_HASH_RANGE)).toBe(FULL_HASH_RANGE);
    expect(coversHashSpace([{ start: 0n, end: 7n }, { start: 8n, end: HASH_SPACE_END }])).toBe(false);
    expect(coversHashSpace([{ start: 0n, end: 8n }, { start: 7n, end: HASH_SPACE_END }])).toBe(false);
    expect(coversHashSpace([{ start: 0n, end: 8n }])).toBe(false);
    expect(coversHashSpace([])).toBe(false);
  });
});
