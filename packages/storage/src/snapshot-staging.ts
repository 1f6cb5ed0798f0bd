// Incoming snapshots, staged chunk by chunk into one file per group until installed.
import type { GroupId, SnapshotChunk, SnapshotMeta } from '@flotilla/raft';
import type { BlobAppender, BlobStore } from './blob-store.js';
import { SNAPSHOT_CHUNK_MAX_BYTES } from './limits.js';

const STAGING_PREFIX = 'staging-';

export const stagingBlobName = (group: GroupId): string => `${STAGING_PREFIX}${group}.snap`;
export const isStagingBlob = (name: string): boolean => name.startsWith(STAGING_PREFIX);

interface Staged {
  readonly meta: SnapshotMeta;
  readonly appender: BlobAppender;
  done: boolean;
}

const sameSnapshot = (a: SnapshotMeta, b: SnapshotMeta): boolean => a.index === b.index && a.term === b.term;

export class SnapshotStaging {
  readonly #staged = new Map<GroupId, Staged>();
  readonly #unsynced = new Set<Staged>();

  constructor(private readonly blobs: BlobStore) {}

  /** Offset 0 (re)starts the group's staging; any other offset must continue it exactly. */
  async stage(group: GroupId, chunk: SnapshotChunk): Promise<void> {
    if (chunk.data.length > SNAPSHOT_CHUNK_MAX_BYTES) {
      throw new RangeError(`snapshot chunk of ${chunk.data.length} bytes exceeds ${SNAPSHOT_CHUNK_MAX_BYTES}`);
    }
    let staged = this.#staged.get(group);
    if (chunk.offset === 0) {
      await this.discard(group);
      staged = { meta: chunk.meta, appender: await this.blobs.create(stagingBlobName(group)), done: false };
      this.#staged.set(group, staged);
    } else if (staged === undefined || !sameSnapshot(staged.meta, chunk.meta) || staged.done || staged.appender.size !== chunk.offset) {
      throw new Error(
        `group ${group}: snapshot chunk (${chunk.meta.index}, ${chunk.meta.term}) at offset ${chunk.offset} does not continue the staged snapshot`,
      );
    }
    this.#unsynced.add(staged);
    staged.done = chunk.done;
    await staged.appender.append(chunk.data);
  }

  /** fsyncs every staging file appended to since the last call. */
  async syncAll(): Promise<void> {
    const pending = [...this.#unsynced];
    this.#unsynced.clear();
    await Promise.all(pending.map((staged) => staged.appender.sync()));
  }

  /** Hands over the group's complete, durable staging file for install; returns its blob name. */
  async seal(group: GroupId, meta: SnapshotMeta): Promise<string> {
    const staged = this.#staged.get(group);
    if (staged === undefined || !sameSnapshot(staged.meta, meta) || !staged.done) {
      throw new Error(`group ${group}: snapshot (${meta.index}, ${meta.term}) is not completely staged`);
    }
    this.#staged.delete(group);
    this.#unsynced.delete(staged);
    await staged.appender.sync();
    await staged.appender.close();
    return stagingBlobName(group);
  }

  async discard(group: GroupId): Promise<void> {
    const staged = this.#staged.get(group);
    if (staged !== undefined) {
      this.#staged.delete(group);
      this.#unsynced.delete(staged);
      await staged.appender.close();
    }
    await this.blobs.remove(stagingBlobName(group));
  }

  async close(): Promise<void> {
    await Promise.all([...this.#staged.values()].map((staged) => staged.appender.close()));
    this.#staged.clear();
    this.#unsynced.clear();
  }
}
