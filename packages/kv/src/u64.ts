/** Writes a non-negative safe integer as u64 big-endian; anything else is a caller bug. */
export function writeSafeU64(view: DataView, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`u64 field must be a non-negative safe integer, got ${value}`);
  }
  view.setBigUint64(offset, BigInt(value));
}
