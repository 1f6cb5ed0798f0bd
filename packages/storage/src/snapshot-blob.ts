// Snapshot files: written from a consistent view of a shard, read back record by record
// (verification, install), and served to the Raft core in chunks.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { SnapshotMeta } from '@flotilla/raft';
import type { BlobReader, BlobStore } from './blob-store.js';
import type { KvReader } from './engine.js';
import type { HashRange } from './hash-range.js';
import { concatBytes } from './bytes.js';
import { decodeUserKey, userRange } from './keys.js';
import { SNAPSHOT_CHUNK_MAX_BYTES } from './limits.js';
import type { SnapshotFile } from './node-store.js';
import { SnapshotDecoder, SnapshotEncoder, type SnapshotHeader, type SnapshotRecord } from './snapshot-format.js';

const WRITE_BUFFER_BYTES = 1024 * 1024;
const READ_BLOCK_BYTES = 1024 * 1024;

export async function writeSnapshotBlob(
  blobs: BlobStore,
  name: string,
  view: KvReader,
  range: HashRange,
  meta: SnapshotMeta,
  stateMachine: Uint8Array,
): Promise<void> {
  const encoder = new SnapshotEncoder();
  const appender = await blobs.create(name);
  try {
    let pending: Uint8Array[] = [encoder.header(meta, range), encoder.stateMachine(stateMachine)];
    let pendingBytes = 0;
    for await (const [storedKey, value] of view.entries(userRange(range))) {
      const { hash, key } = decodeUserKey(storedKey);
      const record = encoder.user(hash, key, value);
      pending.push(record);
      pendingBytes += record.length;
      if (pendingBytes >= WRITE_BUFFER_BYTES) {
        await appender.append(concatBytes(pending));
        pending = [];
        pendingBytes = 0;
      }
    }
    pending.push(encoder.end());
    await appender.append(concatBytes(pending));
  } finally {
    await appender.close();
  }
}

/** Streams a snapshot blob through the decoder; throws SnapshotCorruptError on any defect. */
export async function readSnapshotBlob(
  blobs: BlobStore,
  name: string,
  expected: SnapshotHeader,
  onRecord: (record: SnapshotRecord) => void | Promise<void>,
): Promise<void> {
  const decoder = new SnapshotDecoder(expected);
  const reader = blobs.openReader(name);
  try {
    for (let offset = 0; offset < reader.size; offset += READ_BLOCK_BYTES) {
      for (const record of decoder.push(reader.read(offset, READ_BLOCK_BYTES))) await onRecord(record);
      // The reads are synchronous; let the loop breathe between blocks of a big snapshot.
      await nextTurn();
    }
    decoder.finish();
  } finally {
    reader.close();
  }
}

export class OutgoingSnapshot implements SnapshotFile {
  readonly size: number;
  #released = false;

  constructor(
    readonly meta: SnapshotMeta,
    private readonly reader: BlobReader,
    private readonly remove: () => Promise<void>,
  ) {
    this.size = reader.size;
  }

  readChunk(offset: number, maxBytes: number): { data: Uint8Array; done: boolean } {
    if (this.#released) throw new Error('snapshot file was released');
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.size) {
      throw new RangeError(`snapshot offset ${offset} outside [0, ${this.size}]`);
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1 || maxBytes > SNAPSHOT_CHUNK_MAX_BYTES) {
      throw new RangeError(`snapshot chunk size ${maxBytes} outside [1, ${SNAPSHOT_CHUNK_MAX_BYTES}]`);
    }
    const data = this.reader.read(offset, maxBytes);
    return { data, done: offset + data.length === this.size };
  }

  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    this.reader.close();
    await this.remove();
  }
}
