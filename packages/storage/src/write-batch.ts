// A synchronous builder of one atomic write: the host fills it from every group's Ready and
// hands it to NodeStore.writeBatch once per loop turn. Every method validates its input before
// adding anything, so a refused call leaves the batch as it was.
import type { ConfState, Entry, GroupId, HardState, SnapshotMeta } from '@flotilla/raft';
import type { KvOp } from './engine.js';
import { checkHash, checkHashRange, rangeContains, type HashRange } from './hash-range.js';
import {
  applyStateKey,
  confStateKey,
  dropMarkerKey,
  encodeIndexedHash,
  hardStateKey,
  keyIndexKey,
  logKey,
  logRange,
  nodeIdentityKey,
  shardKey,
  snapshotMetaKey,
  userKey,
  type KeyRange,
} from './keys.js';
import { STATE_MACHINE_MAX_BYTES, USER_KEY_MAX_BYTES, USER_VALUE_MAX_BYTES, WRITE_BATCH_MAX_BYTES } from './limits.js';
import type { ApplyState, NodeMeta, ShardDescriptor } from './node-store.js';
import {
  encodeApplyState,
  encodeConfState,
  encodeDropMarker,
  encodeEntry,
  encodeHardState,
  encodeNodeMeta,
  encodeShard,
  encodeSnapshotMeta,
} from './records.js';

/** `clear` deletes every key of the range, as stored when the batch is written plus earlier puts of the batch. */
export type BatchOp = KvOp | { readonly type: 'clear'; readonly range: KeyRange };

export interface GroupDrop {
  readonly group: GroupId;
  readonly range: HashRange | undefined;
}

const opBytes = (op: BatchOp): number =>
  op.type === 'put' ? op.key.length + op.value.length : op.type === 'del' ? op.key.length : op.range.gte.length + op.range.lt.length;

function checkUserKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length === 0 || key.length > USER_KEY_MAX_BYTES) {
    throw new RangeError(`a user key must be 1 to ${USER_KEY_MAX_BYTES} bytes`);
  }
}

export class WriteBatch {
  readonly #ops: BatchOp[] = [];
  readonly #drops: GroupDrop[] = [];
  #bytes = 0;

  /** For the store: the operations in order. */
  get operations(): readonly BatchOp[] {
    return this.#ops;
  }

  /** For the store: the groups whose data it must clear once the batch is written. */
  get drops(): readonly GroupDrop[] {
    return this.#drops;
  }

  get byteLength(): number {
    return this.#bytes;
  }

  get isEmpty(): boolean {
    return this.#ops.length === 0;
  }

  #add(...ops: BatchOp[]): this {
    const bytes = ops.reduce((sum, op) => sum + opBytes(op), 0);
    if (this.#bytes + bytes > WRITE_BATCH_MAX_BYTES) {
      throw new RangeError(`write batch would exceed ${WRITE_BATCH_MAX_BYTES} bytes`);
    }
    this.#ops.push(...ops);
    this.#bytes += bytes;
    return this;
  }

  #checkGroupLive(group: GroupId): void {
    if (this.#drops.some((drop) => drop.group === group)) {
      throw new Error(`group ${group} was dropped earlier in this batch`);
    }
  }

  #checkHashLive(hash: bigint): void {
    if (this.#drops.some((drop) => drop.range !== undefined && rangeContains(drop.range, hash))) {
      throw new Error(`hash ${hash} belongs to a group dropped earlier in this batch`);
    }
  }

  /**
   * Stores `entries` (contiguous) and deletes stored entries after the last of them up to
   * `previousLastIndex`, the group's last index before this append.
   */
  appendEntries(group: GroupId, entries: readonly Entry[], previousLastIndex: number): this {
    this.#checkGroupLive(group);
    const first = entries[0];
    if (first === undefined) return this;
    if (first.index < 1 || first.index > previousLastIndex + 1) {
      throw new Error(`group ${group}: append at ${first.index} would leave a gap after ${previousLastIndex}`);
    }
    const ops: BatchOp[] = entries.map((entry, i) => {
      if (entry.index !== first.index + i) throw new Error(`group ${group}: entries are not contiguous at ${entry.index}`);
      return { type: 'put', key: logKey(group, entry.index), value: encodeEntry(entry) };
    });
    for (let index = first.index + entries.length; index <= previousLastIndex; index++) {
      ops.push({ type: 'del', key: logKey(group, index) });
    }
    return this.#add(...ops);
  }

  /**
   * Deletes the group's entries `from` through `through` by index, without reading the store:
   * the cheap way to trim a log whose bounds the caller knows, a few entries per turn.
   */
  deleteLogEntries(group: GroupId, from: number, through: number): this {
    this.#checkGroupLive(group);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(through) || from < 1 || through < from) {
      throw new RangeError(`group ${group}: bad log range ${from}..${through}`);
    }
    const ops: BatchOp[] = [];
    for (let index = from; index <= through; index++) ops.push({ type: 'del', key: logKey(group, index) });
    return this.#add(...ops);
  }

  /** Compaction: deletes the group's entries below `index`, whatever the store holds there (it reads the range). */
  deleteLogBefore(group: GroupId, index: number): this {
    this.#checkGroupLive(group);
    return this.#add({ type: 'clear', range: logRange(group, 0, index) });
  }

  setHardState(group: GroupId, hardState: HardState): this {
    this.#checkGroupLive(group);
    return this.#add({ type: 'put', key: hardStateKey(group), value: encodeHardState(hardState) });
  }

  setConfState(group: GroupId, conf: ConfState): this {
    this.#checkGroupLive(group);
    return this.#add({ type: 'put', key: confStateKey(group), value: encodeConfState(conf) });
  }

  setApplyState(group: GroupId, state: ApplyState): this {
    this.#checkGroupLive(group);
    if (state.stateMachine.length > STATE_MACHINE_MAX_BYTES) {
      throw new RangeError(`state machine blob exceeds ${STATE_MACHINE_MAX_BYTES} bytes`);
    }
    return this.#add({ type: 'put', key: applyStateKey(group), value: encodeApplyState(state) });
  }

  setSnapshotMeta(group: GroupId, meta: SnapshotMeta): this {
    this.#checkGroupLive(group);
    return this.#add({ type: 'put', key: snapshotMetaKey(group), value: encodeSnapshotMeta(meta) });
  }

  setShard(group: GroupId, shard: ShardDescriptor): this {
    this.#checkGroupLive(group);
    checkHashRange(shard.range);
    return this.#add({ type: 'put', key: shardKey(group), value: encodeShard(shard) });
  }

  setNodeMeta(meta: NodeMeta): this {
    return this.#add({ type: 'put', key: nodeIdentityKey(), value: encodeNodeMeta(meta) });
  }

  /** Writes the record and its key-index entry together, so prefix scans never miss or invent a key. */
  putUserRecord(hash: bigint, key: Uint8Array, value: Uint8Array): this {
    checkHash(hash);
    checkUserKey(key);
    if (!(value instanceof Uint8Array) || value.length > USER_VALUE_MAX_BYTES) {
      throw new RangeError(`a user value must be at most ${USER_VALUE_MAX_BYTES} bytes`);
    }
    this.#checkHashLive(hash);
    return this.#add(
      { type: 'put', key: userKey(hash, key), value },
      { type: 'put', key: keyIndexKey(key), value: encodeIndexedHash(hash) },
    );
  }

  deleteUserRecord(hash: bigint, key: Uint8Array): this {
    checkHash(hash);
    checkUserKey(key);
    this.#checkHashLive(hash);
    return this.#add({ type: 'del', key: userKey(hash, key) }, { type: 'del', key: keyIndexKey(key) });
  }

  /**
   * Drops a replica: every Raft record of the group and, with `range`, its user data and key
   * index. The batch carries only a marker; the store clears in bounded steps after writing it
   * and finishes on the next open after a crash. Nothing for the group may follow in the batch.
   */
  deleteGroup(group: GroupId, range?: HashRange): this {
    this.#checkGroupLive(group);
    if (range !== undefined) checkHashRange(range);
    this.#add({ type: 'put', key: dropMarkerKey(group), value: encodeDropMarker(range) });
    this.#drops.push({ group, range });
    return this;
  }
}
