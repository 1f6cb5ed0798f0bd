// A log-linear latency histogram in the style of HdrHistogram: values below 256 µs are kept
// exactly; above, every power of two is cut into 128 equal sub-buckets, so any value is
// reported within 1/128 (< 0.8 %) of what was recorded, with a fixed 26 KiB of counters and
// O(1) recording on the hot path.

const SUB_BUCKET_BITS = 7;
const SUB_BUCKET_HALF_COUNT = 1 << SUB_BUCKET_BITS;

/** The largest latency a histogram accepts: about 71 minutes, far beyond any request timeout. */
export const HIGHEST_TRACKABLE_US = 2 ** 32 - 1;

/** The bound on |reported - recorded| / recorded for every query. */
export const MAX_RELATIVE_ERROR = 1 / SUB_BUCKET_HALF_COUNT;

function bucketIndex(valueUs: number): number {
  const bitLength = 32 - Math.clz32(valueUs);
  const shift = Math.max(0, bitLength - (SUB_BUCKET_BITS + 1));
  return (shift << SUB_BUCKET_BITS) + (valueUs >>> shift);
}

function bucketLowUs(index: number): number {
  const shift = Math.max(0, (index >>> SUB_BUCKET_BITS) - 1);
  return (index - (shift << SUB_BUCKET_BITS)) * 2 ** shift;
}

function bucketWidthUs(index: number): number {
  return 2 ** Math.max(0, (index >>> SUB_BUCKET_BITS) - 1);
}

const BUCKET_COUNT = bucketIndex(HIGHEST_TRACKABLE_US) + 1;

export interface HistogramBucket {
  readonly lowUs: number;
  readonly highUs: number;
  readonly count: number;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private totalCount = 0;
  private sumUs = 0;
  private minRecordedUs = Number.POSITIVE_INFINITY;
  private maxRecordedUs = 0;

  /** Records one latency; fractions of a microsecond are rounded to the nearest one. */
  record(valueUs: number): void {
    if (!Number.isFinite(valueUs) || valueUs < 0 || valueUs > HIGHEST_TRACKABLE_US) {
      throw new RangeError(`latency ${valueUs} µs is outside [0, ${HIGHEST_TRACKABLE_US}]`);
    }
    const roundedUs = Math.round(valueUs);
    this.counts[bucketIndex(roundedUs)]! += 1;
    this.totalCount += 1;
    this.sumUs += roundedUs;
    if (roundedUs < this.minRecordedUs) this.minRecordedUs = roundedUs;
    if (roundedUs > this.maxRecordedUs) this.maxRecordedUs = roundedUs;
  }

  /** Adds every value recorded in `other`, as if each had been recorded here. */
  merge(other: LatencyHistogram): void {
    for (let index = 0; index < BUCKET_COUNT; index += 1) {
      this.counts[index]! += other.counts[index]!;
    }
    this.totalCount += other.totalCount;
    this.sumUs += other.sumUs;
    this.minRecordedUs = Math.min(this.minRecordedUs, other.minRecordedUs);
    this.maxRecordedUs = Math.max(this.maxRecordedUs, other.maxRecordedUs);
  }

  get count(): number {
    return this.totalCount;
  }

  /** Exact; 0 when empty. */
  get minUs(): number {
    return this.totalCount === 0 ? 0 : this.minRecordedUs;
  }

  /** Exact; 0 when empty. */
  get maxUs(): number {
    return this.maxRecordedUs;
  }

  /** Exact mean of the rounded values; 0 when empty. */
  get meanUs(): number {
    return this.totalCount === 0 ? 0 : this.sumUs / this.totalCount;
  }

  /**
   * The value at percentile `percent` (0..100): the smallest recorded value that at least
   * `percent` % of the values do not exceed, within MAX_RELATIVE_ERROR; 0 when empty.
   */
  percentileUs(percent: number): number {
    if (!(percent >= 0 && percent <= 100)) {
      throw new RangeError(`percentile ${percent} is outside [0, 100]`);
    }
    if (this.totalCount === 0) return 0;
    // The epsilon keeps e.g. 99.9 % of 1000 at rank 999 despite binary floating point.
    const rank = Math.max(1, Math.ceil((percent * this.totalCount) / 100 - 1e-9));
    let seen = 0;
    for (let index = 0; index < BUCKET_COUNT; index += 1) {
      seen += this.counts[index]!;
      if (seen >= rank) {
        const highestEquivalentUs = bucketLowUs(index) + bucketWidthUs(index) - 1;
        return Math.min(this.maxRecordedUs, Math.max(this.minRecordedUs, highestEquivalentUs));
      }
    }
    throw new Error(`histogram invariant broken: ${seen} counted, ${this.totalCount} recorded`);
  }

  /** How many recorded values fall in the buckets that cover [fromUs, toUs). */
  countBetween(fromUs: number, toUs: number): number {
    let total = 0;
    for (const bucket of this.buckets()) {
      if (bucket.lowUs >= fromUs && bucket.lowUs < toUs) total += bucket.count;
    }
    return total;
  }

  /** The non-empty buckets, in increasing order. */
  *buckets(): Generator<HistogramBucket> {
    for (let index = 0; index < BUCKET_COUNT; index += 1) {
      const count = this.counts[index]!;
      if (count > 0) {
        const lowUs = bucketLowUs(index);
        yield { lowUs, highUs: lowUs + bucketWidthUs(index) - 1, count };
      }
    }
  }
}
