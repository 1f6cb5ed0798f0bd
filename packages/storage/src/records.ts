// Value encodings of the stored records. Fixed-width fields are hand-written big-endian; the
// nested Raft shapes (configurations, conf changes) use plain CBOR, never shared structures,
// so a fresh decoder reads any value.
//
// Every record is sealed: u32 CRC-32 of the rest | u8 format version | body. LevelDB checks its
// own blocks only when asked, and drops a torn write-ahead log silently; a Raft node that reads
// back a wrong term, vote or entry can break safety, so every read verifies the seal and a
// mismatch stops the node (StoreCorruptError) instead of serving what it read.
import { crc32 } from 'node:zlib';
import { decode, encode } from 'cbor-x';
import type { ConfChange, ConfState, Entry, EntryType, HardState, NodeId, SnapshotMeta } from '@flotilla/raft';
import { readU32, readU64, readU64Number, writeU32, writeU64, writeU64Number } from './bytes.js';
import { checkHashRange, type HashRange } from './hash-range.js';
import type { ApplyState, NodeMeta, ShardDescriptor } from './node-store.js';
import { StoreCorruptError } from './errors.js';

export const RECORD_FORMAT_VERSION = 1;
/** u32 checksum | u8 format version. */
const SEAL_BYTES = 5;
const HARD_STATE_BYTES = 20;
const APPLY_STATE_HEADER_BYTES = 16;
const ENTRY_HEADER_BYTES = 13;
const RANGE_BYTES = 16;

function corrupt(what: string, problem = 'malformed'): never {
  throw new StoreCorruptError(`stored ${what}: ${problem}`);
}

/** A record of `bodyBytes`, filled by `fill`, then sealed with its version and checksum. */
function sealed(bodyBytes: number, fill: (body: Uint8Array) => void): Uint8Array {
  const out = new Uint8Array(SEAL_BYTES + bodyBytes);
  fill(out.subarray(SEAL_BYTES));
  out[4] = RECORD_FORMAT_VERSION;
  writeU32(out, 0, crc32(out.subarray(4)));
  return out;
}

const sealedBytes = (body: Uint8Array): Uint8Array => sealed(body.length, (out) => out.set(body));

/** The body of a sealed record, after checking its checksum and version. */
function opened(value: Uint8Array, what: string): Uint8Array {
  if (value.length < SEAL_BYTES) corrupt(what, `${value.length} bytes, shorter than its seal`);
  const stored = readU32(value, 0);
  const computed = crc32(value.subarray(4));
  if (stored !== computed) corrupt(what, `checksum mismatch (stored ${hex(stored)}, computed ${hex(computed)})`);
  if (value[4] !== RECORD_FORMAT_VERSION) corrupt(what, `unknown format version ${value[4]}`);
  return value.subarray(SEAL_BYTES);
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

export const encodeHardState = (hs: HardState): Uint8Array =>
  sealed(HARD_STATE_BYTES, (out) => {
    writeU64Number(out, 0, hs.term);
    writeU32(out, 8, hs.vote);
    writeU64Number(out, 12, hs.commit);
  });

export function decodeHardState(record: Uint8Array): HardState {
  const value = opened(record, 'hard state');
  if (value.length !== HARD_STATE_BYTES) corrupt('hard state');
  return { term: readU64Number(value, 0), vote: readU32(value, 8) as NodeId, commit: readU64Number(value, 12) };
}

export const encodeApplyState = (state: ApplyState): Uint8Array =>
  sealed(APPLY_STATE_HEADER_BYTES + state.stateMachine.length, (out) => {
    writeU64Number(out, 0, state.appliedIndex);
    writeU64Number(out, 8, state.appliedTerm);
    out.set(state.stateMachine, APPLY_STATE_HEADER_BYTES);
  });

export function decodeApplyState(record: Uint8Array): ApplyState {
  const value = opened(record, 'apply state');
  if (value.length < APPLY_STATE_HEADER_BYTES) corrupt('apply state');
  return {
    appliedIndex: readU64Number(value, 0),
    appliedTerm: readU64Number(value, 8),
    stateMachine: value.slice(APPLY_STATE_HEADER_BYTES),
  };
}

/** The index lives in the key; the value is term(u64) type(u8) changeBytes(u32) change data. */
export function encodeEntry(entry: Entry): Uint8Array {
  const change = entry.change === undefined ? new Uint8Array(0) : encode(entry.change);
  return sealed(ENTRY_HEADER_BYTES + change.length + entry.data.length, (out) => {
    writeU64Number(out, 0, entry.term);
    out[8] = entry.type;
    writeU32(out, 9, change.length);
    out.set(change, ENTRY_HEADER_BYTES);
    out.set(entry.data, ENTRY_HEADER_BYTES + change.length);
  });
}

const openedEntry = (index: number, record: Uint8Array): Uint8Array => {
  const value = opened(record, `log entry ${index}`);
  if (value.length < ENTRY_HEADER_BYTES) corrupt(`log entry ${index}`);
  return value;
};

export const entryTermOf = (index: number, record: Uint8Array): number => readU64Number(openedEntry(index, record), 0);

export function decodeEntry(index: number, record: Uint8Array): Entry {
  const value = openedEntry(index, record);
  const term = readU64Number(value, 0);
  const changeBytes = readU32(value, 9);
  if (ENTRY_HEADER_BYTES + changeBytes > value.length) corrupt(`log entry ${index}`);
  const data = value.slice(ENTRY_HEADER_BYTES + changeBytes);
  const type = value[8] as EntryType;
  if (changeBytes === 0) return { index, term, type, data };
  const change = decode(value.subarray(ENTRY_HEADER_BYTES, ENTRY_HEADER_BYTES + changeBytes)) as ConfChange;
  return { index, term, type, data, change };
}

function nodeList(value: unknown): NodeId[] {
  if (!Array.isArray(value) || !value.every((id) => Number.isInteger(id))) corrupt('configuration');
  return value as NodeId[];
}

const confFields = (conf: ConfState): unknown[] => [conf.voters, conf.votersOutgoing, conf.learners, conf.learnersNext];

function confFromFields(fields: unknown): ConfState {
  if (!Array.isArray(fields) || fields.length !== 4) corrupt('configuration');
  const [voters, votersOutgoing, learners, learnersNext] = fields.map(nodeList) as [NodeId[], NodeId[], NodeId[], NodeId[]];
  return { voters, votersOutgoing, learners, learnersNext };
}

export const encodeConfState = (conf: ConfState): Uint8Array => sealedBytes(encode(confFields(conf)));
export const decodeConfState = (record: Uint8Array): ConfState => confFromFields(decode(opened(record, 'configuration')));

const snapshotMetaBody = (meta: SnapshotMeta): Uint8Array => encode([meta.index, meta.term, confFields(meta.conf)]);
export const encodeSnapshotMeta = (meta: SnapshotMeta): Uint8Array => sealedBytes(snapshotMetaBody(meta));
export const decodeSnapshotMeta = (record: Uint8Array): SnapshotMeta => snapshotMetaFromBody(opened(record, 'snapshot meta'));

function snapshotMetaFromBody(value: Uint8Array): SnapshotMeta {
  const fields: unknown = decode(value);
  if (!Array.isArray(fields) || fields.length !== 3) corrupt('snapshot meta');
  const [index, term, conf] = fields as [unknown, unknown, unknown];
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(term)) corrupt('snapshot meta');
  return { index: index as number, term: term as number, conf: confFromFields(conf) };
}

/** A range as start(u64) and its last hash end-1 (u64): 2^64 itself does not fit a u64. */
function encodeRangeInto(out: Uint8Array, range: HashRange): void {
  writeU64(out, 0, range.start);
  writeU64(out, 8, range.end - 1n);
}

function decodeRange(value: Uint8Array): HashRange {
  if (value.length < RANGE_BYTES) corrupt('hash range');
  return checkHashRange({ start: readU64(value, 0), end: readU64(value, 8) + 1n });
}

export const encodeShard = (shard: ShardDescriptor): Uint8Array =>
  sealed(RANGE_BYTES + shard.data.length, (out) => {
    encodeRangeInto(out, shard.range);
    out.set(shard.data, RANGE_BYTES);
  });

export function decodeShard(record: Uint8Array): ShardDescriptor {
  const value = opened(record, 'shard descriptor');
  return { range: decodeRange(value), data: value.slice(RANGE_BYTES) };
}

export const encodeNodeMeta = (meta: NodeMeta): Uint8Array => sealedBytes(encode([meta.nodeId, meta.clusterId]));

export function decodeNodeMeta(record: Uint8Array): NodeMeta {
  const fields: unknown = decode(opened(record, 'node identity'));
  if (!Array.isArray(fields) || !Number.isInteger(fields[0]) || typeof fields[1] !== 'string') corrupt('node meta');
  return { nodeId: fields[0] as NodeId, clusterId: fields[1] };
}

export interface InstallMarker {
  readonly meta: SnapshotMeta;
  readonly range: HashRange;
}

export function encodeInstallMarker(marker: InstallMarker): Uint8Array {
  const meta = snapshotMetaBody(marker.meta);
  return sealed(RANGE_BYTES + meta.length, (out) => {
    encodeRangeInto(out, marker.range);
    out.set(meta, RANGE_BYTES);
  });
}

export function decodeInstallMarker(record: Uint8Array): InstallMarker {
  const value = opened(record, 'install marker');
  return { range: decodeRange(value), meta: snapshotMetaFromBody(value.subarray(RANGE_BYTES)) };
}

/** A drop marker holds the group's user-data range, or nothing for a group without user data. */
export const encodeDropMarker = (range: HashRange | undefined): Uint8Array =>
  sealed(range === undefined ? 0 : RANGE_BYTES, (out) => {
    if (range !== undefined) encodeRangeInto(out, range);
  });

export function decodeDropMarker(record: Uint8Array): HashRange | undefined {
  const value = opened(record, 'drop marker');
  return value.length === 0 ? undefined : decodeRange(value);
}
