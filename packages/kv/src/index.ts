export type { ApplyOutcome, ApplyResult, CompareFailedResult, DeleteResult, Mutation, PutResult, RejectedResult } from './apply-result.js';
export { COMMAND_FORMAT_VERSION, decodeCommand, encodeCommand, MAX_COMMAND_BYTES } from './command.js';
export type { DeleteCommand, KvCommand, PutCommand } from './command.js';
export { CorruptStateError } from './corrupt-state-error.js';
export type { KeyMeta } from './key-index.js';
export { hashTagBytes } from './keyspace/hash-tag.js';
export { createKeyHasher } from './keyspace/key-hasher.js';
export type { KeyHasher } from './keyspace/key-hasher.js';
export { KV_ERROR_CODES, KvInputError } from './kv-input-error.js';
export type { KvErrorCode } from './kv-input-error.js';
export {
  MAX_KEY_BYTES,
  MAX_SCAN_LIMIT,
  MAX_VALUE_BYTES,
  validateKey,
  validatePrefix,
  validateRevision,
  validateScanLimit,
  validateValue,
} from './limits.js';
export { decodeStateBlob } from './state-blob.js';
export type { ShardState } from './state-blob.js';
export { KvStateMachine } from './state-machine.js';
export type { MutationSink, StoredRecord } from './state-machine.js';
export {
  decodeValueRecord,
  encodeValueRecord,
  VALUE_RECORD_FORMAT_VERSION,
  VALUE_RECORD_HEADER_BYTES,
} from './value-record.js';
export type { ValueRecord } from './value-record.js';
