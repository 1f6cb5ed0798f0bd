import { ByteReader } from './byte-reader.js';
import { CorruptStateError } from './corrupt-state-error.js';
import { writeSafeU64 } from './u64.js';

/** What a shard's state machine holds beyond its records: written in every apply batch. */
export interface ShardState {
  /** The shard's revision counter. */
  readonly revision: number;
  /** Index of the last Raft entry handed to `apply`. */
  readonly appliedIndex: number;
}

/* Layout, version 1: u8 format version | u64 revision | u64 appliedIndex, big-endian. */
const STATE_BLOB_FORMAT_VERSION = 1;
const STATE_BLOB_BYTES = 1 + 8 + 8;

export function encodeStateBlob(state: ShardState): Uint8Array {
  const out = new Uint8Array(STATE_BLOB_BYTES);
  const view = new DataView(out.buffer);
  out[0] = STATE_BLOB_FORMAT_VERSION;
  writeSafeU64(view, 1, state.revision);
  writeSafeU64(view, 9, state.appliedIndex);
  return out;
}

/** Throws `CorruptStateError` for bytes `encodeStateBlob` would not produce. */
export function decodeStateBlob(bytes: Uint8Array): ShardState {
  const reader = new ByteReader(bytes, (message) => new CorruptStateError(`state blob: ${message}`));
  const formatVersion = reader.u8('format version');
  if (formatVersion !== STATE_BLOB_FORMAT_VERSION) {
    throw new CorruptStateError(`state blob: unknown format version ${formatVersion}`);
  }
  const revision = reader.safeU64('revision');
  const appliedIndex = reader.safeU64('appliedIndex');
  reader.expectEnd();
  return { revision, appliedIndex };
}
