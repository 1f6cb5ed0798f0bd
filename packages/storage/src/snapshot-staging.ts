// Incoming snapshots, staged chunk by chunk into a file per snapshot until installed.
import type { GroupId, SnapshotChunk, SnapshotMeta } from '@flotilla/raft';
import type { BlobAppender, BlobStore } from './blob-store.js';
import { SNAPSHOT_CHUNK_MAX_BYTES } from './limits.js';

const STAGING_PREFIX = 'staging-';

export const stagingBlobName = (group: GroupId, meta: SnapshotMeta): string => `${STAGING_PREFIX}${group}-${meta.index}-${meta.term}.snap`;
export const isStagingBlob = (name: string): boolean => name.startsWith(STAGING_PREFIX);

interface Staged {
  readonly meta: SnapshotMeta;
  readonly appender: BlobAppender;
  done: boolean;
}

const sameSnapshot = (a: SnapshotMeta, b: SnapshotMeta): boolean => a.index === b.index && a.term === b.term;

export class SnapshotStaging {
  /**
   * Per group, the snapshots staged, oldest first: at most the newest completely received one
   * not yet installed (a newer snapshot's first chunk may arrive, even in the same Ready, before
   * the host installs it) and, last, the one being received.
   */
  readonly #staged = new Map<GroupId, Staged[]>();
  readonly #unsynced = new Set<Staged>();

  constructor(private readonly blobs: BlobStore) {}

  /** Offset 0 starts a snapshot (dropping an unfinished one); any other offset must continue it exactly. */
  async stage(group: GroupId, chunk: SnapshotChunk): Promise<void> {
    if (chunk.data.length > SNAPSHOT_CHUNK_MAX_BYTES) {
      throw new RangeError(`snapshot chunk of ${chunk.data.length} bytes exceeds ${SNAPSHOT_CHUNK_MAX_BYTES}`);
    }
    const list = this.#staged.get(group) ?? [];
    let staged = list.at(-1);
    if (chunk.offset === 0) {
      // Kept: the newest complete snapshot, unless this is it sent again. Dropped: the rest.
      const newestComplete = list.findLast((entry) => entry.done && !sameSnapshot(entry.meta, chunk.meta));
      await this.#dropAll(group, list.filter((entry) => entry !== newestComplete));
      staged = { meta: chunk.meta, appender: await this.blobs.create(stagingBlobName(group, chunk.meta)), done: false };
      this.#staged.set(group, newestComplete === undefined ? [staged] : [newestComplete, staged]);
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

  /**
   * Hands over the snapshot's complete, durable staging file for install; returns its blob name.
   * Staged snapshots no newer than it will never be installed, and go.
   */
  async seal(group: GroupId, meta: SnapshotMeta): Promise<string> {
    const list = this.#staged.get(group) ?? [];
    const staged = list.find((entry) => entry.done && sameSnapshot(entry.meta, meta));
    if (staged === undefined) throw new Error(`group ${group}: snapshot (${meta.index}, ${meta.term}) is not completely staged`);
    const older = list.filter((entry) => entry !== staged && entry.meta.index <= meta.index);
    this.#staged.set(group, list.filter((entry) => entry !== staged && !older.includes(entry)));
    await this.#dropAll(group, older);
    this.#unsynced.delete(staged);
    await staged.appender.sync();
    await staged.appender.close();
    return stagingBlobName(group, meta);
  }

  /** Drops everything staged for the group. */
  async discard(group: GroupId): Promise<void> {
    const list = this.#staged.get(group) ?? [];
    this.#staged.delete(group);
    await this.#dropAll(group, list);
  }

  async close(): Promise<void> {
    const open = [...this.#staged.values()].flat();
    this.#staged.clear();
    this.#unsynced.clear();
    await Promise.all(open.map((staged) => staged.appender.close()));
  }

  async #dropAll(group: GroupId, list: readonly Staged[]): Promise<void> {
    for (const staged of list) {
      this.#unsynced.delete(staged);
      await staged.appender.close();
      await this.blobs.remove(stagingBlobName(group, staged.meta));
    }
  }
}
