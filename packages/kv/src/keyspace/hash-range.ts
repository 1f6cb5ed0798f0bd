/** One past the largest xxh64 value: a shard's range ends here when it owns the top of the space. */
export const KEYSPACE_END = 2n ** 64n;

/** A slice [start, end) of the xxh64 space that one shard owns. */
export interface HashRange {
  readonly start: bigint;
  readonly end: bigint;
}

/** The whole space, the range of a cluster's first shard. */
export const FULL_RANGE: HashRange = { start: 0n, end: KEYSPACE_END };

export function isValidRange(range: HashRange): boolean {
  return range.start >= 0n && range.start < range.end && range.end <= KEYSPACE_END;
}

export function rangeContains(range: HashRange, hash: bigint): boolean {
  return hash >= range.start && hash < range.end;
}

/** Whether `outer` holds every hash of `inner`, as a parent shard holds a child's. */
export function rangeContainsRange(outer: HashRange, inner: HashRange): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

export function rangesOverlap(a: HashRange, b: HashRange): boolean {
  return a.start < b.end && b.start < a.end;
}

/** `count` contiguous ranges of near-equal size (they differ by at most one hash) covering the space. */
export function splitKeyspace(count: number): HashRange[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`splitKeyspace: count must be a positive integer, got ${count}`);
  }
  const divisor = BigInt(count);
  const boundary = (i: number): bigint => (BigInt(i) * KEYSPACE_END) / divisor;
  return Array.from({ length: count }, (_, i) => ({ start: boundary(i), end: boundary(i + 1) }));
}

/**
 * The range of `sortedRanges` (sorted by start, not overlapping) that holds `hash`, or
 * undefined where the ranges leave a gap. Generic so that a shard table can be searched as is.
 */
export function findRange<R extends HashRange>(sortedRanges: readonly R[], hash: bigint): R | undefined {
  let lo = 0;
  let hi = sortedRanges.length;
  // Find the first range that ends after `hash`; only it can hold `hash`.
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const range = sortedRanges[mid] as R;
    if (range.end <= hash) lo = mid + 1;
    else hi = mid;
  }
  const candidate = sortedRanges[lo];
  return candidate !== undefined && rangeContains(candidate, hash) ? candidate : undefined;
}

/** Whether `sortedRanges` cover the whole space exactly once: no gap, no overlap, none empty. */
export function coversKeyspace(sortedRanges: readonly HashRange[]): boolean {
  let expectedStart = 0n;
  for (const range of sortedRanges) {
    if (range.start !== expectedStart || !isValidRange(range)) return false;
    expectedStart = range.end;
  }
  return expectedStart === KEYSPACE_END;
}
