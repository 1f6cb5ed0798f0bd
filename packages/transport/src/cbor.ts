import { Encoder } from 'cbor-x';

// Plain CBOR only: records and shared structures would make a frame unreadable to a decoder
// that did not see the earlier frames (a fresh connection, a restarted peer).
const codec = new Encoder({ useRecords: false, mapsAsObjects: true });

/** Uint8Arrays are written as typed-array tags, so they come back as Uint8Array views, not Buffers. */
export const encodeCbor = (value: unknown): Uint8Array => codec.encode(value);

/**
 * Byte fields of the result are views into `bytes` (no copy): whoever keeps one keeps the
 * whole frame's memory alive.
 */
export const decodeCbor = (bytes: Uint8Array): unknown => codec.decode(plainView(bytes));

/** The same bytes as a plain Uint8Array, so that views taken of them are not Buffers. */
export const plainView = (bytes: Uint8Array): Uint8Array =>
  Buffer.isBuffer(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
