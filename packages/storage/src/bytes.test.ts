import { describe, expect, it } from 'vitest';
import { compareBytes, readU32, readU64, readU64Number, writeU32, writeU64, writeU64Number } from './bytes.js';

describe('big-endian integer codecs', () => {
  it('round-trips u32s at the edges, most significant byte first', () => {
    for (const value of [0, 1, 0xff, 0x1_00, 0x7fff_ffff, 0x8000_0000, 0xffff_ffff]) {
      const bytes = new Uint8Array(6);
      writeU32(bytes, 1, value);
      expect(readU32(bytes, 1)).toBe(value);
    }
    const bytes = new Uint8Array(4);
    writeU32(bytes, 0, 0x0102_0304);
    expect([...bytes]).toEqual([1, 2, 3, 4]);
  });

  it('round-trips safe integers and bigints as u64s, in numeric order as bytes', () => {
    const numbers = [0, 1, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER];
    const encoded = numbers.map((value) => {
      const bytes = new Uint8Array(8);
      writeU64Number(bytes, 0, value);
      expect(readU64Number(bytes, 0)).toBe(value);
      expect(readU64(bytes, 0)).toBe(BigInt(value));
      return bytes;
    });
    for (let i = 1; i < encoded.length; i++) expect(compareBytes(encoded[i - 1] as Uint8Array, encoded[i] as Uint8Array)).toBeLessThan(0);
    for (const value of [0n, (1n << 63n) + 5n, (1n << 64n) - 1n]) {
      const bytes = new Uint8Array(10);
      writeU64(bytes, 2, value);
      expect(readU64(bytes, 2)).toBe(value);
    }
  });

  it('refuses values and offsets out of range, and stored u64s beyond the safe integers', () => {
    const bytes = new Uint8Array(8);
    expect(() => writeU32(bytes, 0, 2 ** 32)).toThrow(RangeError);
    expect(() => writeU32(bytes, 0, -1)).toThrow(RangeError);
    expect(() => writeU32(bytes, 5, 1)).toThrow(RangeError);
    expect(() => writeU64Number(bytes, 0, 2 ** 53)).toThrow(RangeError);
    expect(() => writeU64Number(bytes, 1, 1)).toThrow(RangeError);
    expect(() => writeU64(bytes, 0, 1n << 64n)).toThrow(RangeError);
    expect(() => readU32(bytes, 6)).toThrow(RangeError);
    writeU64(bytes, 0, 1n << 53n);
    expect(() => readU64Number(bytes, 0)).toThrow(/safe integer/);
  });
});
