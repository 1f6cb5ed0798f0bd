// A shard's slice of the hash space: [start, end) within [0, 2^64) of xxh64(key). The one
// definition of hash ranges: storage lays user data out by them, bootstrap splits the space
// into them and the router searches them.

/** One past the largest xxh64 value: a shard's range ends here when it owns the top of the space. */
export const HASH_SPACE_END = 1n << 64n;

export interface HashRange {
  readonly start: bigint;
  /** Exclusive; 2^64 for the last shard. */
  readonly end: bigint;
}

/** The whole space, the range of a cluster's first shard. */
export const FULL_HASH_RANGE: HashRange = { start: 0n, end: HASH_SPACE_END };

export function isValidHashRange(range: HashRange): boolean {
  return (
    typeof range.start === 'bigint' &&
    typeof range.end === 'bigint' &&
    range.start >= 0n &&
    range.start < range.end &&
    range.end <= HASH_SPACE_END
  );
}

export function checkHashRange(range: HashRange): HashRange {
  if (!isValidHashRange(range)) {
    throw new RangeError(`invalid hash range [${String(range.start)}, ${String(range.end)}): need bigints 0 <= start < end <= 2^64`);
  }
  return range;
}

export function checkHash(hash: bigint): bigint {
  if (typeof hash !== 'bigint' || hash < 0n || hash >= HASH_SPACE_END) {
    throw new RangeError(`invalid key hash ${String(hash)}: need a bigint in [0, 2^64)`);
  }
  return hash;
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

export function sameHashRange(a: HashRange, b: HashRange): boolean {
  return a.start === b.start && a.end === b.end;
}

/** `count` contiguous ranges of near-equal size (they differ by at most one hash) covering the space. */
export function splitHashSpace(count: number): HashRange[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new RangeError(`splitHashSpace: count must be a positive integer, got ${count}`);
  }
  const divisor = BigInt(count);
  const boundary = (i: number): bigint => (BigInt(i) * HASH_SPACE_END) / divisor;
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
export function coversHashSpace(sortedRanges: readonly HashRange[]): boolean {
  let expectedStart = 0n;
  for (const range of sortedRanges) {
    if (range.start !== expectedStart || !isValidHashRange(range)) return false;
    expectedStart = range.end;
  }
  return expectedStart === HASH_SPACE_END;
}
