import { describe, expect, it } from 'vitest';
import { Xoshiro128 } from '@flotilla/raft';
import { HIGHEST_TRACKABLE_US, LatencyHistogram, MAX_RELATIVE_ERROR } from './histogram.js';

/** The exact answer the histogram approximates: the smallest value with rank ceil(p% · n). */
function exactPercentile(sortedValues: readonly number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent * sortedValues.length) / 100 - 1e-9));
  return sortedValues[rank - 1]!;
}

/** Reported values err upwards only (a bucket answers with its highest value), and by little. */
function expectWithinBound(reportedUs: number, exactUs: number): void {
  expect(reportedUs).toBeGreaterThanOrEqual(exactUs);
  expect(reportedUs - exactUs).toBeLessThanOrEqual(exactUs * MAX_RELATIVE_ERROR);
}

function histogramOf(values: readonly number[]): LatencyHistogram {
  const histogram = new LatencyHistogram();
  for (const value of values) histogram.record(value);
  return histogram;
}

const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

describe('LatencyHistogram', () => {
  it('answers 0 for every query when empty', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.count).toBe(0);
    expect(histogram.minUs).toBe(0);
    expect(histogram.maxUs).toBe(0);
    expect(histogram.meanUs).toBe(0);
    expect(histogram.percentileUs(50)).toBe(0);
    expect(histogram.percentileUs(100)).toBe(0);
    expect([...histogram.buckets()]).toEqual([]);
  });

  it('keeps values below 256 µs exactly', () => {
    const values = Array.from({ length: 256 }, (_, index) => index);
    const histogram = histogramOf(values);
    for (const percent of PERCENTILES) {
      expect(histogram.percentileUs(percent)).toBe(exactPercentile(values, percent));
    }
    expect([...histogram.buckets()].every((bucket) => bucket.lowUs === bucket.highUs)).toBe(true);
  });

  it('gives the exact percentiles of 1..1000 µs within the bound, and the exact mean', () => {
    const values = Array.from({ length: 1000 }, (_, index) => index + 1);
    const histogram = histogramOf(values);
    expectWithinBound(histogram.percentileUs(50), 500);
    expectWithinBound(histogram.percentileUs(90), 900);
    expectWithinBound(histogram.percentileUs(99), 990);
    expectWithinBound(histogram.percentileUs(99.9), 999);
    expect(histogram.percentileUs(100)).toBe(1000);
    expect(histogram.percentileUs(0)).toBe(1);
    expect(histogram.meanUs).toBe(500.5);
  });

  it('stays within the bound on a seeded log-normal distribution spanning µs to minutes', () => {
    const random = new Xoshiro128(42);
    const values: number[] = [];
    for (let sample = 0; sample < 50_000; sample += 1) {
      // Box-Muller: a normal in log space gives a heavy right tail like real latencies.
      const normal = Math.sqrt(-2 * Math.log(1 - random.float())) * Math.cos(2 * Math.PI * random.float());
      values.push(Math.min(HIGHEST_TRACKABLE_US, Math.round(Math.exp(8 + 2.5 * normal))));
    }
    const histogram = histogramOf(values);
    const sorted = [...values].sort((left, right) => left - right);
    for (const percent of PERCENTILES) {
      expectWithinBound(histogram.percentileUs(percent), exactPercentile(sorted, percent));
    }
    expect(histogram.minUs).toBe(sorted[0]);
    expect(histogram.maxUs).toBe(sorted[sorted.length - 1]);
  });

  it('reports a constant distribution as that constant at every percentile', () => {
    const histogram = histogramOf(Array.from({ length: 100 }, () => 12_345));
    for (const percent of PERCENTILES) expect(histogram.percentileUs(percent)).toBe(12_345);
  });

  it('puts a single outlier only at the top percentiles', () => {
    const values = [...Array.from({ length: 999 }, () => 1_000), 5_000_000];
    const histogram = histogramOf(values);
    expectWithinBound(histogram.percentileUs(99.9), 1_000);
    expect(histogram.percentileUs(99.95)).toBe(5_000_000);
  });

  it('merging equals recording everything into one histogram', () => {
    const random = new Xoshiro128(7);
    const left = new LatencyHistogram();
    const right = new LatencyHistogram();
    const all = new LatencyHistogram();
    for (let sample = 0; sample < 20_000; sample += 1) {
      const value = Math.floor(random.float() * 2_000_000);
      (random.float() < 0.3 ? left : right).record(value);
      all.record(value);
    }
    left.merge(right);
    expect(left.count).toBe(all.count);
    expect(left.minUs).toBe(all.minUs);
    expect(left.maxUs).toBe(all.maxUs);
    expect(left.meanUs).toBe(all.meanUs);
    expect([...left.buckets()]).toEqual([...all.buckets()]);
    for (const percent of PERCENTILES) expect(left.percentileUs(percent)).toBe(all.percentileUs(percent));
  });

  it('merging an empty histogram changes nothing, and merging into an empty one copies', () => {
    const filled = histogramOf([3, 300, 30_000]);
    filled.merge(new LatencyHistogram());
    expect(filled.count).toBe(3);
    expect(filled.minUs).toBe(3);
    const empty = new LatencyHistogram();
    empty.merge(filled);
    expect(empty.minUs).toBe(3);
    expect(empty.maxUs).toBe(30_000);
    expectWithinBound(empty.percentileUs(50), 300);
  });

  it('accepts the boundaries 0 and HIGHEST_TRACKABLE_US and rejects values outside', () => {
    const histogram = histogramOf([0, HIGHEST_TRACKABLE_US]);
    expect(histogram.percentileUs(0)).toBe(0);
    expect(histogram.percentileUs(100)).toBe(HIGHEST_TRACKABLE_US);
    for (const bad of [-1, HIGHEST_TRACKABLE_US + 1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => histogram.record(bad)).toThrow(RangeError);
    }
    expect(histogram.count).toBe(2);
  });

  it('rejects percentiles outside [0, 100]', () => {
    const histogram = histogramOf([1]);
    for (const bad of [-0.1, 100.1, Number.NaN]) expect(() => histogram.percentileUs(bad)).toThrow(RangeError);
  });

  it('rounds fractional microseconds to the nearest one', () => {
    const histogram = histogramOf([1.4, 1.6]);
    expect(histogram.minUs).toBe(1);
    expect(histogram.maxUs).toBe(2);
  });

  it('places every value of a power-of-two edge in a bucket that contains it', () => {
    for (let power = 0; power < 32; power += 1) {
      for (const value of [2 ** power - 1, 2 ** power, 2 ** power + 1]) {
        if (value > HIGHEST_TRACKABLE_US) continue;
        const [bucket] = [...histogramOf([value]).buckets()];
        expect(bucket!.lowUs).toBeLessThanOrEqual(value);
        expect(bucket!.highUs).toBeGreaterThanOrEqual(value);
        expect(bucket!.highUs - bucket!.lowUs).toBeLessThanOrEqual(bucket!.lowUs * MAX_RELATIVE_ERROR);
      }
    }
  });

  it('counts the values in a range of buckets', () => {
    const histogram = histogramOf([10, 20, 30, 1_000, 100_000]);
    expect(histogram.countBetween(0, 25)).toBe(2);
    expect(histogram.countBetween(25, 50_000)).toBe(2);
    expect(histogram.countBetween(0, Number.POSITIVE_INFINITY)).toBe(5);
  });
});
