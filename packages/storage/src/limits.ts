// Hard bounds of the store. The KV layer enforces its own, tighter client limits; these guard
// the disk formats (a corrupt length never makes us allocate gigabytes) and the batch sizes.

export const USER_KEY_MAX_BYTES = 16 * 1024;
export const USER_VALUE_MAX_BYTES = 16 * 1024 * 1024;
export const STATE_MACHINE_MAX_BYTES = 64 * 1024 * 1024;
export const SNAPSHOT_CHUNK_MAX_BYTES = 64 * 1024 * 1024;
/** One write batch; the host cuts its turn well below this. */
export const WRITE_BATCH_MAX_BYTES = 256 * 1024 * 1024;
