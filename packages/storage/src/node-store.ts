// The node-wide durable store's contract, shared by the LevelDB store and the in-memory one.
import type { ConfState, Entry, GroupId, HardState, NodeId, SnapshotChunk, SnapshotMeta } from '@flotilla/raft';
import type { HashRange } from './hash-range.js';
import type { WriteBatch } from './write-batch.js';

export interface ApplyState {
  readonly appliedIndex: number;
  readonly appliedTerm: number;
  /** Opaque to the store: the state machine's own counters (e.g. the shard's revision). */
  readonly stateMachine: Uint8Array;
}

export interface ShardDescriptor {
  readonly range: HashRange;
  /** Opaque to the store: the placement's view of the shard (epoch, replicas, ...). */
  readonly data: Uint8Array;
}

export interface NodeMeta {
  readonly nodeId: NodeId;
  readonly clusterId: string;
}

/** Everything a group needs at startup. Absent records come back as their zero values. */
export interface StoredGroup {
  readonly group: GroupId;
  readonly hardState: HardState;
  readonly conf: ConfState;
  readonly snapshotMeta?: SnapshotMeta;
  readonly applyState: ApplyState;
  /** Every stored entry after the snapshot index, contiguous and in order. */
  readonly entries: readonly Entry[];
  readonly shard?: ShardDescriptor;
}

export interface UserRecord {
  readonly hash: bigint;
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/** An outgoing snapshot on disk, read synchronously because the Raft core's LogStorage is. */
export interface SnapshotFile {
  readonly meta: SnapshotMeta;
  readonly size: number;
  readChunk(offset: number, maxBytes: number): { data: Uint8Array; done: boolean };
  /** Closes and deletes the file. */
  release(): Promise<void>;
}

export interface NodeStore {
  newBatch(): WriteBatch;
  /**
   * Writes the batch atomically, in submission order with every other write of this store.
   * With `sync`, the snapshot chunks staged since the last synced write are fsynced too, so
   * one synced call per loop turn makes the whole turn durable (call it even for an empty batch
   * when chunks were staged). Groups dropped by the batch are cleared before it resolves.
   */
  writeBatch(batch: WriteBatch, options: { sync: boolean }): Promise<void>;
  loadNodeMeta(): Promise<NodeMeta | undefined>;
  listGroups(): Promise<GroupId[]>;
  /** Undefined when the store holds no record of the group. */
  loadGroup(group: GroupId): Promise<StoredGroup | undefined>;
  getUserRecord(hash: bigint, key: Uint8Array): Promise<Uint8Array | undefined>;
  /** Every user record of the range in (hash, key) order, from one consistent view. */
  scanUserRecords(range: HashRange): AsyncIterable<UserRecord>;
  /** Up to `limit` records whose key starts with `prefix` and whose hash is in `range`, sorted by key. */
  scanKeyPrefix(prefix: Uint8Array, range: HashRange, limit: number): Promise<UserRecord[]>;
  /**
   * Writes the range's user data as of this call (the view is taken before the first await)
   * plus `stateMachine` to a snapshot file. Call it between apply batches so that `meta` and
   * `stateMachine` describe the same applied state.
   */
  createSnapshot(group: GroupId, range: HashRange, meta: SnapshotMeta, stateMachine: Uint8Array): Promise<SnapshotFile>;
  /** Appends a received chunk to the group's staging file; offset 0 restarts it. */
  stageSnapshotChunk(group: GroupId, chunk: SnapshotChunk): Promise<void>;
  /**
   * Verifies the staged snapshot, then replaces the range's user data with it and records meta,
   * conf and apply state; returns the snapshot's state-machine blob. Crash-atomic: a marker
   * written before the first change makes the next open finish the install. The log is kept
   * after meta.index only if it holds (meta.index, meta.term); otherwise it is dropped whole,
   * so a stale suffix never follows a foreign prefix. Install before writing the same Ready's entries.
   */
  installSnapshot(group: GroupId, meta: SnapshotMeta, range: HashRange): Promise<Uint8Array>;
  close(): Promise<void>;
}
