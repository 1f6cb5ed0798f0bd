/** A snapshot's bytes are torn, corrupt, or not the snapshot they claim to be; nothing was changed. */
export class SnapshotCorruptError extends Error {
  override readonly name = 'SnapshotCorruptError';
}

/**
 * What the node stored reads back wrong: a checksum mismatch, a torn record, or a write-ahead
 * log LevelDB could not replay. The node must not start on it: wipe its data and re-join the
 * cluster as a new replica (README, "Recovering a node with corrupt data").
 */
export class StoreCorruptError extends Error {
  override readonly name = 'StoreCorruptError';
}
