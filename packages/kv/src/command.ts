import { ByteReader } from './byte-reader.js';
import { KvInputError } from './kv-input-error.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES, validateKey, validateRevision, validateValue } from './limits.js';
import { writeSafeU64 } from './u64.js';

/**
 * Sets `key` to `value`. With `ifRevision`, only when the key's mod revision equals it
 * (compare-and-swap); `ifRevision: 0` means "only if the key is absent".
 */
export interface PutCommand {
  readonly op: 'put';
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  readonly ifRevision?: number;
}

/** Removes `key`. With `ifRevision`, only when the key's mod revision equals it. */
export interface DeleteCommand {
  readonly op: 'delete';
  readonly key: Uint8Array;
  readonly ifRevision?: number;
}

export type KvCommand = PutCommand | DeleteCommand;

/*
 * Wire format, version 1 (integers big-endian):
 *   u8 format version | u8 opcode | u8 flags | [u64 ifRevision if flag] |
 *   u32 key length | key | put only: u32 value length | value
 * Lengths are explicit and the input must end exactly, so any truncation is detected.
 */
export const COMMAND_FORMAT_VERSION = 1;
const OPCODE_PUT = 1;
const OPCODE_DELETE = 2;
const FLAG_IF_REVISION = 0x01;
/** Version, opcode, flags, ifRevision, and the two u32 lengths. */
const COMMAND_OVERHEAD_BYTES = 3 + 8 + 4 + 4;

/** The largest command `encodeCommand` makes: the entry size Raft must accept for it. */
export const MAX_COMMAND_BYTES = COMMAND_OVERHEAD_BYTES + MAX_KEY_BYTES + MAX_VALUE_BYTES;

/** Validates against the limits (throws `KvInputError`) and encodes for a Raft proposal. */
export function encodeCommand(command: KvCommand): Uint8Array {
  validateKey(command.key);
  if (command.ifRevision !== undefined) validateRevision(command.ifRevision);
  if (command.op === 'put') validateValue(command.value);

  const ifRevisionBytes = command.ifRevision === undefined ? 0 : 8;
  const valueBytes = command.op === 'put' ? 4 + command.value.byteLength : 0;
  const out = new Uint8Array(3 + ifRevisionBytes + 4 + command.key.byteLength + valueBytes);
  const view = new DataView(out.buffer);
  let offset = 0;
  out[offset++] = COMMAND_FORMAT_VERSION;
  out[offset++] = command.op === 'put' ? OPCODE_PUT : OPCODE_DELETE;
  out[offset++] = command.ifRevision === undefined ? 0 : FLAG_IF_REVISION;
  if (command.ifRevision !== undefined) {
    writeSafeU64(view, offset, command.ifRevision);
    offset += 8;
  }
  view.setUint32(offset, command.key.byteLength);
  out.set(command.key, offset + 4);
  offset += 4 + command.key.byteLength;
  if (command.op === 'put') {
    view.setUint32(offset, command.value.byteLength);
    out.set(command.value, offset + 4);
  }
  return out;
}

/**
 * Decodes and validates a command. Throws `KvInputError` (code `malformed_command`, or a limit's
 * code) for any input `encodeCommand` would not produce. Key and value are views into `bytes`.
 */
export function decodeCommand(bytes: Uint8Array): KvCommand {
  const reader = new ByteReader(bytes, (message) => new KvInputError('malformed_command', `malformed command: ${message}`));
  const version = reader.u8('format version');
  if (version !== COMMAND_FORMAT_VERSION) {
    throw new KvInputError('malformed_command', `malformed command: unknown format version ${version}`);
  }
  const opcode = reader.u8('opcode');
  if (opcode !== OPCODE_PUT && opcode !== OPCODE_DELETE) {
    throw new KvInputError('malformed_command', `malformed command: unknown opcode ${opcode}`);
  }
  const flags = reader.u8('flags');
  if ((flags & ~FLAG_IF_REVISION) !== 0) {
    throw new KvInputError('malformed_command', `malformed command: unknown flags 0x${flags.toString(16)}`);
  }
  const ifRevision = (flags & FLAG_IF_REVISION) === 0 ? undefined : reader.safeU64('ifRevision');
  const key = readSizedBytes(reader, 'key');
  validateKey(key);
  const compare = ifRevision === undefined ? {} : { ifRevision };
  if (opcode === OPCODE_DELETE) {
    reader.expectEnd();
    return { op: 'delete', key, ...compare };
  }
  const value = readSizedBytes(reader, 'value');
  validateValue(value);
  reader.expectEnd();
  return { op: 'put', key, value, ...compare };
}

function readSizedBytes(reader: ByteReader, field: string): Uint8Array {
  return reader.bytes(reader.u32(`${field} length`), field);
}
