// Value encodings of the stored records. Fixed-width fields are hand-written big-endian; the
// nested Raft shapes (configurations, conf changes) use plain CBOR, never shared structures,
// so a fresh decoder reads any value.
import { decode, encode } from 'cbor-x';
import type { ConfChange, ConfState, Entry, EntryType, HardState, NodeId, SnapshotMeta } from '@flotilla/raft';
import { readU32, readU64, readU64Number, writeU32, writeU64, writeU64Number } from './bytes.js';
import { checkHashRange, type HashRange } from './hash-range.js';
import type { ApplyState, NodeMeta, ShardDescriptor } from './node-store.js';

const HARD_STATE_BYTES = 20;
const APPLY_STATE_HEADER_BYTES = 16;
const ENTRY_HEADER_BYTES = 13;
const RANGE_BYTES = 16;

function corrupt(what: string): never {
  throw new Error(`corrupt stored ${what}`);
}

export function encodeHardState(hs: HardState): Uint8Array {
  const out = new Uint8Array(HARD_STATE_BYTES);
  writeU64Number(out, 0, hs.term);
  writeU32(out, 8, hs.vote);
  writeU64Number(out, 12, hs.commit);
  return out;
}

export function decodeHardState(value: Uint8Array): HardState {
  if (value.length !== HARD_STATE_BYTES) corrupt('hard state');
  return { term: readU64Number(value, 0), vote: readU32(value, 8) as NodeId, commit: readU64Number(value, 12) };
}

export function encodeApplyState(state: ApplyState): Uint8Array {
  const out = new Uint8Array(APPLY_STATE_HEADER_BYTES + state.stateMachine.length);
  writeU64Number(out, 0, state.appliedIndex);
  writeU64Number(out, 8, state.appliedTerm);
  out.set(state.stateMachine, APPLY_STATE_HEADER_BYTES);
  return out;
}

export function decodeApplyState(value: Uint8Array): ApplyState {
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
  const out = new Uint8Array(ENTRY_HEADER_BYTES + change.length + entry.data.length);
  writeU64Number(out, 0, entry.term);
  out[8] = entry.type;
  writeU32(out, 9, change.length);
  out.set(change, ENTRY_HEADER_BYTES);
  out.set(entry.data, ENTRY_HEADER_BYTES + change.length);
  return out;
}

export function entryTermOf(value: Uint8Array): number {
  if (value.length < ENTRY_HEADER_BYTES) corrupt('log entry');
  return readU64Number(value, 0);
}

export function decodeEntry(index: number, value: Uint8Array): Entry {
  const term = entryTermOf(value);
  const changeBytes = readU32(value, 9);
  if (ENTRY_HEADER_BYTES + changeBytes > value.length) corrupt('log entry');
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

export const encodeConfState = (conf: ConfState): Uint8Array => encode(confFields(conf));
export const decodeConfState = (value: Uint8Array): ConfState => confFromFields(decode(value));

export const encodeSnapshotMeta = (meta: SnapshotMeta): Uint8Array => encode([meta.index, meta.term, confFields(meta.conf)]);

export function decodeSnapshotMeta(value: Uint8Array): SnapshotMeta {
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

export function encodeShard(shard: ShardDescriptor): Uint8Array {
  const out = new Uint8Array(RANGE_BYTES + shard.data.length);
  encodeRangeInto(out, shard.range);
  out.set(shard.data, RANGE_BYTES);
  return out;
}

export const decodeShard = (value: Uint8Array): ShardDescriptor => ({ range: decodeRange(value), data: value.slice(RANGE_BYTES) });

export const encodeNodeMeta = (meta: NodeMeta): Uint8Array => encode([meta.nodeId, meta.clusterId]);

export function decodeNodeMeta(value: Uint8Array): NodeMeta {
  const fields: unknown = decode(value);
  if (!Array.isArray(fields) || !Number.isInteger(fields[0]) || typeof fields[1] !== 'string') corrupt('node meta');
  return { nodeId: fields[0] as NodeId, clusterId: fields[1] };
}

export interface InstallMarker {
  readonly meta: SnapshotMeta;
  readonly range: HashRange;
}

export function encodeInstallMarker(marker: InstallMarker): Uint8Array {
  const meta = encodeSnapshotMeta(marker.meta);
  const out = new Uint8Array(RANGE_BYTES + meta.length);
  encodeRangeInto(out, marker.range);
  out.set(meta, RANGE_BYTES);
  return out;
}

export const decodeInstallMarker = (value: Uint8Array): InstallMarker => ({
  range: decodeRange(value),
  meta: decodeSnapshotMeta(value.subarray(RANGE_BYTES)),
});

/** A drop marker holds the group's user-data range, or nothing for a group without user data. */
export function encodeDropMarker(range: HashRange | undefined): Uint8Array {
  const out = new Uint8Array(range === undefined ? 0 : RANGE_BYTES);
  if (range !== undefined) encodeRangeInto(out, range);
  return out;
}

export const decodeDropMarker = (value: Uint8Array): HashRange | undefined => (value.length === 0 ? undefined : decodeRange(value));
