// A shard's slice of the hash space: [start, end) within [0, 2^64) of xxh64(key).

export const HASH_SPACE_END = 1n << 64n;

export interface HashRange {
  readonly start: bigint;
  /** Exclusive; 2^64 for the last shard. */
  readonly end: bigint;
}

export const FULL_HASH_RANGE: HashRange = { start: 0n, end: HASH_SPACE_END };

export function checkHashRange(range: HashRange): HashRange {
  if (typeof range.start !== 'bigint' || typeof range.end !== 'bigint') {
    throw new TypeError('a hash range needs bigint start and end');
  }
  if (range.start < 0n || range.end > HASH_SPACE_END || range.start >= range.end) {
    throw new RangeError(`invalid hash range [${range.start}, ${range.end}): need 0 <= start < end <= 2^64`);
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

export function sameHashRange(a: HashRange, b: HashRange): boolean {
  return a.start === b.start && a.end === b.end;
}
