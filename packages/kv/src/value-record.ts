import { ByteReader } from './byte-reader.js';
import { CorruptStateError } from './corrupt-state-error.js';
import { writeSafeU64 } from './u64.js';

/** A key's stored value with the revisions a read returns beside it. */
export interface ValueRecord {
  /** Shard revision of the put that created the key (reset by a delete). */
  readonly createRevision: number;
  /** Shard revision of the latest put to the key. */
  readonly modRevision: number;
  /** Puts since creation: 1 for a new key. */
  readonly version: number;
  readonly value: Uint8Array;
}

/*
 * Stored layout, version 1: u8 format version | u64 createRevision | u64 modRevision |
 * u64 version | value (the rest). Big-endian, fixed header, so a reader needs no length.
 */
export const VALUE_RECORD_FORMAT_VERSION = 1;
export const VALUE_RECORD_HEADER_BYTES = 1 + 8 * 3;

export function encodeValueRecord(record: ValueRecord): Uint8Array {
  const out = new Uint8Array(VALUE_RECORD_HEADER_BYTES + record.value.byteLength);
  const view = new DataView(out.buffer);
  out[0] = VALUE_RECORD_FORMAT_VERSION;
  writeSafeU64(view, 1, record.createRevision);
  writeSafeU64(view, 9, record.modRevision);
  writeSafeU64(view, 17, record.version);
  out.set(record.value, VALUE_RECORD_HEADER_BYTES);
  return out;
}

/** Decodes a stored record; `value` is a view into `bytes`. Throws `CorruptStateError`. */
export function decodeValueRecord(bytes: Uint8Array): ValueRecord {
  const reader = new ByteReader(bytes, (message) => new CorruptStateError(`value record: ${message}`));
  const formatVersion = reader.u8('format version');
  if (formatVersion !== VALUE_RECORD_FORMAT_VERSION) {
    throw new CorruptStateError(`value record: unknown format version ${formatVersion}`);
  }
  const createRevision = reader.safeU64('createRevision');
  const modRevision = reader.safeU64('modRevision');
  const version = reader.safeU64('version');
  if (createRevision < 1 || modRevision < createRevision || version < 1) {
    throw new CorruptStateError(
      `value record: impossible revisions create=${createRevision} mod=${modRevision} version=${version}`,
    );
  }
  return { createRevision, modRevision, version, value: reader.rest() };
}
