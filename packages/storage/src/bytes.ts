// Big-endian integer codecs and byte-string ordering. LevelDB compares keys bytewise, so every
// integer inside a key is big-endian: byte order then equals numeric order.

const U64_LIMIT = 1n << 64n;
const U32_LIMIT = 2 ** 32;

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const diff = (a[i] as number) - (b[i] as number);
    if (diff !== 0) return diff;
  }
  return a.length - b.length;
}

export function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) {
    if (bytes[i] !== prefix[i]) return false;
  }
  return true;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The smallest byte string greater than every string that starts with `prefix`; undefined if none exists. */
export function prefixEnd(prefix: Uint8Array): Uint8Array | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const byte = prefix[i] as number;
    if (byte !== 0xff) {
      const out = prefix.slice(0, i + 1);
      out[i] = byte + 1;
      return out;
    }
  }
  return undefined;
}

/** The smallest byte string greater than `bytes` (append a zero byte). */
export function successor(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}

// Byte by byte rather than through a DataView: these run for every key and record written,
// and a DataView per call was a visible share of a node's allocations.

function putU32(target: Uint8Array, offset: number, value: number): void {
  target[offset] = value >>> 24;
  target[offset + 1] = (value >>> 16) & 0xff;
  target[offset + 2] = (value >>> 8) & 0xff;
  target[offset + 3] = value & 0xff;
}

function getU32(source: Uint8Array, offset: number): number {
  if (offset < 0 || offset + 4 > source.length) throw new RangeError(`u32 at ${offset} is outside ${source.length} bytes`);
  return (
    (source[offset] as number) * 0x1000000 +
    (((source[offset + 1] as number) << 16) | ((source[offset + 2] as number) << 8) | (source[offset + 3] as number))
  );
}

export function writeU32(target: Uint8Array, offset: number, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= U32_LIMIT) {
    throw new RangeError(`not a u32: ${value}`);
  }
  if (offset < 0 || offset + 4 > target.length) throw new RangeError(`u32 at ${offset} is outside ${target.length} bytes`);
  putU32(target, offset, value);
}

export function readU32(source: Uint8Array, offset: number): number {
  return getU32(source, offset);
}

/** Writes a safe non-negative JS integer (a Raft index or term) as a u64. */
export function writeU64Number(target: Uint8Array, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`not a non-negative safe integer: ${value}`);
  }
  if (offset < 0 || offset + 8 > target.length) throw new RangeError(`u64 at ${offset} is outside ${target.length} bytes`);
  putU32(target, offset, Math.floor(value / U32_LIMIT));
  putU32(target, offset + 4, value >>> 0);
}

export function readU64Number(source: Uint8Array, offset: number): number {
  const high = getU32(source, offset);
  const value = high * U32_LIMIT + getU32(source, offset + 4);
  if (high >= 2 ** 21) {
    throw new RangeError(`stored u64 ${(BigInt(high) << 32n) + BigInt(getU32(source, offset + 4))} exceeds the safe integer range`);
  }
  return value;
}

export function writeU64(target: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value >= U64_LIMIT) throw new RangeError(`not a u64: ${value}`);
  if (offset < 0 || offset + 8 > target.length) throw new RangeError(`u64 at ${offset} is outside ${target.length} bytes`);
  putU32(target, offset, Number(value >> 32n));
  putU32(target, offset + 4, Number(value & 0xffffffffn));
}

export function readU64(source: Uint8Array, offset: number): bigint {
  return (BigInt(getU32(source, offset)) << 32n) | BigInt(getU32(source, offset + 4));
}

/** A plain Uint8Array over the same memory (Level hands out Buffers; tests compare plain arrays). */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
