// The node database's key layout, and the only module that knows it. Keys sort bytewise with
// big-endian integers:
//   0x01 group(u32) 0x01 index(u64)        log entry
//   0x01 group 0x02                        hard state
//   0x01 group 0x03 sub-tag                apply state, conf state, snapshot meta, shard descriptor
//   0x02 hash(u64) key-bytes               user data (a shard's hash range is one contiguous key range)
//   0x03 0x01                              node identity
//   0x03 0x02 group                        install-in-progress marker (see installSnapshot)
//   0x03 0x03 group                        drop-in-progress marker (see deleteGroup)
//   0x04 key-bytes                         key index for prefix scans, value = hash(u64)
import type { GroupId } from '@flotilla/raft';
import { prefixEnd, readU32, readU64, readU64Number, writeU32, writeU64, writeU64Number } from './bytes.js';
import { HASH_SPACE_END, type HashRange } from './hash-range.js';

/** A half-open key interval [gte, lt). */
export interface KeyRange {
  readonly gte: Uint8Array;
  readonly lt: Uint8Array;
}

const SPACE_RAFT = 0x01;
const SPACE_USER = 0x02;
const SPACE_NODE = 0x03;
const SPACE_KEY_INDEX = 0x04;

const RAFT_LOG = 0x01;
const RAFT_HARD_STATE = 0x02;
const RAFT_GROUP_META = 0x03;

const META_APPLY_STATE = 0x01;
const META_CONF_STATE = 0x02;
const META_SNAPSHOT = 0x03;
const META_SHARD = 0x04;

const NODE_IDENTITY = 0x01;
const NODE_INSTALL_MARKER = 0x02;
const NODE_DROP_MARKER = 0x03;

const GROUP_PREFIX_BYTES = 5;
const LOG_KEY_BYTES = GROUP_PREFIX_BYTES + 1 + 8;
const USER_PREFIX_BYTES = 1 + 8;
const MAX_GROUP_ID = 2 ** 32 - 1;

function groupPrefix(group: GroupId): Uint8Array {
  const key = new Uint8Array(GROUP_PREFIX_BYTES);
  key[0] = SPACE_RAFT;
  writeU32(key, 1, group);
  return key;
}

function groupKey(group: GroupId, ...tags: number[]): Uint8Array {
  const key = new Uint8Array(GROUP_PREFIX_BYTES + tags.length);
  key.set(groupPrefix(group));
  key.set(tags, GROUP_PREFIX_BYTES);
  return key;
}

export function logKey(group: GroupId, index: number): Uint8Array {
  const key = groupKey(group, RAFT_LOG, 0, 0, 0, 0, 0, 0, 0, 0);
  writeU64Number(key, GROUP_PREFIX_BYTES + 1, index);
  return key;
}

export function logIndexOf(key: Uint8Array): number {
  if (key.length !== LOG_KEY_BYTES || key[0] !== SPACE_RAFT || key[GROUP_PREFIX_BYTES] !== RAFT_LOG) {
    throw new Error('not a log entry key');
  }
  return readU64Number(key, GROUP_PREFIX_BYTES + 1);
}

/** Log keys with index in [from, to); `to` undefined means to the end of the group's log. */
export function logRange(group: GroupId, from: number, to?: number): KeyRange {
  return { gte: logKey(group, from), lt: to === undefined ? groupKey(group, RAFT_LOG + 1) : logKey(group, to) };
}

export const hardStateKey = (group: GroupId): Uint8Array => groupKey(group, RAFT_HARD_STATE);
export const applyStateKey = (group: GroupId): Uint8Array => groupKey(group, RAFT_GROUP_META, META_APPLY_STATE);
export const confStateKey = (group: GroupId): Uint8Array => groupKey(group, RAFT_GROUP_META, META_CONF_STATE);
export const snapshotMetaKey = (group: GroupId): Uint8Array => groupKey(group, RAFT_GROUP_META, META_SNAPSHOT);
export const shardKey = (group: GroupId): Uint8Array => groupKey(group, RAFT_GROUP_META, META_SHARD);

/** Every Raft record of one group. */
export function groupRange(group: GroupId): KeyRange {
  return { gte: groupPrefix(group), lt: prefixEnd(groupPrefix(group)) as Uint8Array };
}

/** Raft records of every group with id >= `fromGroup`. */
export function raftRecordsFrom(fromGroup: number): KeyRange {
  const gte = new Uint8Array(GROUP_PREFIX_BYTES);
  gte[0] = SPACE_RAFT;
  writeU32(gte, 1, fromGroup);
  return { gte, lt: Uint8Array.of(SPACE_RAFT + 1) };
}

export function groupOfRaftKey(key: Uint8Array): GroupId {
  if (key.length < GROUP_PREFIX_BYTES || key[0] !== SPACE_RAFT) throw new Error('not a raft record key');
  return readU32(key, 1) as GroupId;
}

export const isLastGroupId = (group: GroupId): boolean => group === MAX_GROUP_ID;

export function userKey(hash: bigint, key: Uint8Array): Uint8Array {
  const out = new Uint8Array(USER_PREFIX_BYTES + key.length);
  out[0] = SPACE_USER;
  writeU64(out, 1, hash);
  out.set(key, USER_PREFIX_BYTES);
  return out;
}

export function decodeUserKey(stored: Uint8Array): { hash: bigint; key: Uint8Array } {
  if (stored.length < USER_PREFIX_BYTES || stored[0] !== SPACE_USER) throw new Error('not a user data key');
  return { hash: readU64(stored, 1), key: stored.subarray(USER_PREFIX_BYTES) };
}

/** User data of one shard: one contiguous key range because data is ordered by hash. */
export function userRange(range: HashRange): KeyRange {
  const gte = new Uint8Array(USER_PREFIX_BYTES);
  gte[0] = SPACE_USER;
  writeU64(gte, 1, range.start);
  if (range.end === HASH_SPACE_END) return { gte, lt: Uint8Array.of(SPACE_USER + 1) };
  const lt = new Uint8Array(USER_PREFIX_BYTES);
  lt[0] = SPACE_USER;
  writeU64(lt, 1, range.end);
  return { gte, lt };
}

export function keyIndexKey(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(1 + key.length);
  out[0] = SPACE_KEY_INDEX;
  out.set(key, 1);
  return out;
}

export const keyOfIndexKey = (stored: Uint8Array): Uint8Array => {
  if (stored[0] !== SPACE_KEY_INDEX) throw new Error('not a key index key');
  return stored.subarray(1);
};

/** Index entries of every key that starts with `prefix`. */
export function keyIndexPrefixRange(prefix: Uint8Array): KeyRange {
  const gte = keyIndexKey(prefix);
  // The space tag is not 0xff, so a successor always exists.
  return { gte, lt: prefixEnd(gte) as Uint8Array };
}

export function encodeIndexedHash(hash: bigint): Uint8Array {
  const out = new Uint8Array(8);
  writeU64(out, 0, hash);
  return out;
}

export const decodeIndexedHash = (value: Uint8Array): bigint => readU64(value, 0);

export const nodeIdentityKey = (): Uint8Array => Uint8Array.of(SPACE_NODE, NODE_IDENTITY);

function markerKey(kind: number, group: GroupId): Uint8Array {
  const key = Uint8Array.of(SPACE_NODE, kind, 0, 0, 0, 0);
  writeU32(key, 2, group);
  return key;
}

export const installMarkerKey = (group: GroupId): Uint8Array => markerKey(NODE_INSTALL_MARKER, group);
export const dropMarkerKey = (group: GroupId): Uint8Array => markerKey(NODE_DROP_MARKER, group);
export const installMarkerRange = (): KeyRange => ({ gte: Uint8Array.of(SPACE_NODE, NODE_INSTALL_MARKER), lt: Uint8Array.of(SPACE_NODE, NODE_INSTALL_MARKER + 1) });
export const dropMarkerRange = (): KeyRange => ({ gte: Uint8Array.of(SPACE_NODE, NODE_DROP_MARKER), lt: Uint8Array.of(SPACE_NODE, NODE_DROP_MARKER + 1) });
export const groupOfMarkerKey = (key: Uint8Array): GroupId => readU32(key, 2) as GroupId;
