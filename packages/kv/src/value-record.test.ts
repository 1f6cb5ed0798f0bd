import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorruptStateError } from './corrupt-state-error.js';
import { propertyParams } from './testing/property-params.js';
import { decodeValueRecord, encodeValueRecord, VALUE_RECORD_HEADER_BYTES } from './value-record.js';

describe('value record', () => {
  it('round-trips, with the value after a fixed header', () => {
    const recordArb = fc
      .record({ createRevision: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), extra: fc.nat(), version: fc.integer({ min: 1, max: 1e9 }), value: fc.uint8Array({ maxLength: 256 }) })
      .filter(({ createRevision, extra }) => Number.isSafeInteger(createRevision + extra))
      .map(({ createRevision, extra, version, value }) => ({ createRevision, modRevision: createRevision + extra, version, value }));
    fc.assert(
      fc.property(recordArb, (record) => {
        const bytes = encodeValueRecord(record);
        expect(bytes.byteLength).toBe(VALUE_RECORD_HEADER_BYTES + record.value.byteLength);
        expect(bytes.subarray(VALUE_RECORD_HEADER_BYTES)).toEqual(record.value);
        expect(decodeValueRecord(bytes)).toEqual(record);
      }),
      propertyParams(300),
    );
  });

  it('has the documented big-endian layout', () => {
    const bytes = encodeValueRecord({ createRevision: 1, modRevision: 258, version: 3, value: Uint8Array.of(9) });
    expect([...bytes]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 0, 0, 3, 9]);
  });

  it('refuses records it could not have written', () => {
    const good = encodeValueRecord({ createRevision: 2, modRevision: 5, version: 2, value: Uint8Array.of(1) });
    const withByte = (offset: number, byte: number): Uint8Array => {
      const copy = good.slice();
      copy[offset] = byte;
      return copy;
    };
    expect(() => decodeValueRecord(good.subarray(0, VALUE_RECORD_HEADER_BYTES - 1))).toThrow(CorruptStateError);
    expect(() => decodeValueRecord(withByte(0, 2))).toThrow(/format version/);
    expect(() => decodeValueRecord(withByte(8, 0))).toThrow(/impossible revisions/); // createRevision 0
    expect(() => decodeValueRecord(withByte(16, 1))).toThrow(/impossible revisions/); // mod < create
    expect(() => decodeValueRecord(withByte(24, 0))).toThrow(/impossible revisions/); // version 0
    expect(() => decodeValueRecord(withByte(1, 0xff))).toThrow(/exceeds 2\^53-1/);
  });

  it('refuses to encode revisions that are not safe integers', () => {
    expect(() => encodeValueRecord({ createRevision: -1, modRevision: 1, version: 1, value: new Uint8Array(0) })).toThrow(RangeError);
  });
});
