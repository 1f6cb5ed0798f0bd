import { describe, expect, it } from 'vitest';
import { median, pairedRatios, spreadOf } from './sample-stats.js';

describe('median', () => {
  it('takes the middle of an odd count, whatever the order', () => {
    expect(median([7])).toBe(7);
    expect(median([6680, 3544, 5000])).toBe(5000);
    expect(median([5, 1, 4, 2, 3])).toBe(3);
  });

  it('averages the two middle values of an even count', () => {
    expect(median([2, 1])).toBe(1.5);
    expect(median([10, 40, 20, 30])).toBe(25);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values and NaN', () => {
    expect(() => median([])).toThrow(/no values/);
    expect(() => median([1, Number.NaN])).toThrow(/NaN/);
  });
});

describe('spreadOf', () => {
  it('gives median, range and count', () => {
    expect(spreadOf([0.5, 2, 0.8])).toEqual({ median: 0.8, min: 0.5, max: 2, count: 3 });
    expect(spreadOf([1.5, 0.5, 3, 1])).toEqual({ median: 1.25, min: 0.5, max: 3, count: 4 });
  });

  it('is undefined for no values', () => {
    expect(spreadOf([])).toBeUndefined();
  });
});

describe('pairedRatios', () => {
  it('divides round by round, skipping rounds where a side is missing or the baseline is 0', () => {
    expect(pairedRatios([5902, 2896, undefined, 100, 50], [3544, 6680, 4000, 0, undefined])).toEqual([5902 / 3544, 2896 / 6680]);
  });

  it('gives the range a reader needs to see the swing', () => {
    const ratios = pairedRatios([5902, 2896, 4400], [3544, 6680, 4400]);
    expect(spreadOf(ratios)).toEqual({ median: 1, min: 2896 / 6680, max: 5902 / 3544, count: 3 });
  });

  it('refuses unpaired lists', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(/2 values but 1 baselines/);
  });
});
