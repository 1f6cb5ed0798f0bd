export type { ApplyState, NodeMeta, NodeStore, ShardDescriptor, SnapshotFile, StoredGroup, UserRecord } from './node-store.js';
export { WriteBatch } from './write-batch.js';
export { LevelNodeStore } from './level-node-store.js';
export { MemoryNodeStore, MemoryVolume } from './memory-node-store.js';
export { SyncGate } from './sync-gate.js';
export { GroupLog } from './group-log.js';
export type { CrashPoint, NodeStoreOptions } from './engine-node-store.js';
export { coversHashSpace, findRange, FULL_HASH_RANGE, HASH_SPACE_END, rangeContains, splitHashSpace, type HashRange } from './hash-range.js';
export { SnapshotCorruptError, StoreCorruptError } from './errors.js';
export {
  SNAPSHOT_CHUNK_MAX_BYTES,
  STATE_MACHINE_MAX_BYTES,
  USER_KEY_MAX_BYTES,
  USER_VALUE_MAX_BYTES,
  WRITE_BATCH_MAX_BYTES,
} from './limits.js';
