/** A snapshot's bytes are torn, corrupt, or not the snapshot they claim to be; nothing was changed. */
export class SnapshotCorruptError extends Error {
  override readonly name = 'SnapshotCorruptError';
}
