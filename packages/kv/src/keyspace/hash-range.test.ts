import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyParams } from '../testing/property-params.js';
import {
  coversKeyspace,
  findRange,
  FULL_RANGE,
  isValidRange,
  KEYSPACE_END,
  rangeContains,
  rangeContainsRange,
  rangesOverlap,
  splitKeyspace,
} from './hash-range.js';
import type { HashRange } from './hash-range.js';

const hashArb = fc.bigInt({ min: 0n, max: KEYSPACE_END - 1n });
const countArb = fc.integer({ min: 1, max: 300 });

describe('splitKeyspace', () => {
  it('covers the space with contiguous, non-empty ranges of near-equal size', () => {
    fc.assert(
      fc.property(countArb, (count) => {
        const ranges = splitKeyspace(count);
        expect(ranges).toHaveLength(count);
        expect(ranges[0]?.start).toBe(0n);
        expect(ranges.at(-1)?.end).toBe(KEYSPACE_END);
        ranges.forEach((range, i) => {
          expect(range.start).toBeLessThan(range.end);
          const next = ranges[i + 1];
          if (next !== undefined) expect(next.start).toBe(range.end);
        });
        const sizes = ranges.map((range) => range.end - range.start);
        const smallest = sizes.reduce((a, b) => (a < b ? a : b));
        const largest = sizes.reduce((a, b) => (a > b ? a : b));
        expect(largest - smallest).toBeLessThanOrEqual(1n);
        expect(coversKeyspace(ranges)).toBe(true);
      }),
      propertyParams(200),
    );
  });

  it('puts every hash in exactly one range, the one findRange returns', () => {
    fc.assert(
      fc.property(countArb, hashArb, (count, hash) => {
        const ranges = splitKeyspace(count);
        const holders = ranges.filter((range) => rangeContains(range, hash));
        expect(holders).toHaveLength(1);
        expect(findRange(ranges, hash)).toBe(holders[0]);
      }),
      propertyParams(500),
    );
  });

  it('gives the full range for one shard and refuses a non-positive or fractional count', () => {
    expect(splitKeyspace(1)).toEqual([FULL_RANGE]);
    expect(() => splitKeyspace(0)).toThrow(RangeError);
    expect(() => splitKeyspace(1.5)).toThrow(RangeError);
  });
});

describe('findRange', () => {
  it('finds the edges of every range and nothing in a gap', () => {
    const ranges: HashRange[] = [
      { start: 0n, end: 10n },
      { start: 20n, end: 30n },
      { start: 30n, end: KEYSPACE_END },
    ];
    expect(findRange(ranges, 0n)).toBe(ranges[0]);
    expect(findRange(ranges, 9n)).toBe(ranges[0]);
    expect(findRange(ranges, 10n)).toBeUndefined();
    expect(findRange(ranges, 19n)).toBeUndefined();
    expect(findRange(ranges, 20n)).toBe(ranges[1]);
    expect(findRange(ranges, 30n)).toBe(ranges[2]);
    expect(findRange(ranges, KEYSPACE_END - 1n)).toBe(ranges[2]);
    expect(findRange([], 5n)).toBeUndefined();
  });

  it('returns the caller’s own element type, so a shard table is searched as is', () => {
    const shards = splitKeyspace(4).map((range, i) => ({ ...range, shardId: i + 1 }));
    expect(findRange(shards, KEYSPACE_END / 2n)?.shardId).toBe(3);
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
      propertyParams(300),
    );
  });

  it('recognises valid ranges and full covers', () => {
    expect(isValidRange(FULL_RANGE)).toBe(true);
    expect(isValidRange({ start: 5n, end: 5n })).toBe(false);
    expect(isValidRange({ start: -1n, end: 5n })).toBe(false);
    expect(isValidRange({ start: 0n, end: KEYSPACE_END + 1n })).toBe(false);
    expect(coversKeyspace([{ start: 0n, end: 7n }, { start: 8n, end: KEYSPACE_END }])).toBe(false);
    expect(coversKeyspace([{ start: 0n, end: 8n }, { start: 7n, end: KEYSPACE_END }])).toBe(false);
    expect(coversKeyspace([{ start: 0n, end: 8n }])).toBe(false);
    expect(coversKeyspace([])).toBe(false);
  });
});
