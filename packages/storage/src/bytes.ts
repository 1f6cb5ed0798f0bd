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

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function writeU32(target: Uint8Array, offset: number, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= U32_LIMIT) {
    throw new RangeError(`not a u32: ${value}`);
  }
  view(target).setUint32(offset, value);
}

export function readU32(source: Uint8Array, offset: number): number {
  return view(source).getUint32(offset);
}

/** Writes a safe non-negative JS integer (a Raft index or term) as a u64. */
export function writeU64Number(target: Uint8Array, offset: number, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`not a non-negative safe integer: ${value}`);
  }
  view(target).setBigUint64(offset, BigInt(value));
}

export function readU64Number(source: Uint8Array, offset: number): number {
  const value = view(source).getBigUint64(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`stored u64 ${value} exceeds the safe integer range`);
  }
  return Number(value);
}

export function writeU64(target: Uint8Array, offset: number, value: bigint): void {
  if (value < 0n || value >= U64_LIMIT) throw new RangeError(`not a u64: ${value}`);
  view(target).setBigUint64(offset, value);
}

export function readU64(source: Uint8Array, offset: number): bigint {
  return view(source).getBigUint64(offset);
}

/** A plain Uint8Array over the same memory (Level hands out Buffers; tests compare plain arrays). */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
