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
  /** Per group, the snapshot being received. */
  readonly #receiving = new Map<GroupId, Staged>();
  /**
   * Per group, the newest completely received snapshot not yet installed: a newer snapshot's
   * first chunk may arrive (even in the same Ready) before the host installs it.
   */
  readonly #complete = new Map<GroupId, Staged>();
  readonly #unsynced = new Set<Staged>();

  constructor(private readonly blobs: BlobStore) {}

  /** Offset 0 starts a snapshot (dropping an unfinished one); any other offset must continue it exactly. */
  async stage(group: GroupId, chunk: SnapshotChunk): Promise<void> {
    if (chunk.data.length > SNAPSHOT_CHUNK_MAX_BYTES) {
      throw new RangeError(`snapshot chunk of ${chunk.data.length} bytes exceeds ${SNAPSHOT_CHUNK_MAX_BYTES}`);
    }
    let staged = this.#receiving.get(group);
    if (chunk.offset === 0) {
      if (staged !== undefined) {
        this.#receiving.delete(group);
        if (staged.done) await this.#replaceComplete(group, staged);
        else await this.#drop(group, staged);
      }
      const previous = this.#complete.get(group);
      // The same snapshot sent again: the copy being received replaces the complete one.
      if (previous !== undefined && sameSnapshot(previous.meta, chunk.meta)) await this.#replaceComplete(group, undefined);
      staged = { meta: chunk.meta, appender: await this.blobs.create(stagingBlobName(group, chunk.meta)), done: false };
      this.#receiving.set(group, staged);
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

  /** Hands over the snapshot's complete, durable staging file for install; returns its blob name. */
  async seal(group: GroupId, meta: SnapshotMeta): Promise<string> {
    const receiving = this.#receiving.get(group);
    const complete = this.#complete.get(group);
    let staged: Staged;
    if (receiving !== undefined && receiving.done && sameSnapshot(receiving.meta, meta)) {
      staged = receiving;
      this.#receiving.delete(group);
    } else if (complete !== undefined && sameSnapshot(complete.meta, meta)) {
      staged = complete;
      this.#complete.delete(group);
    } else {
      throw new Error(`group ${group}: snapshot (${meta.index}, ${meta.term}) is not completely staged`);
    }
    this.#unsynced.delete(staged);
    await staged.appender.sync();
    await staged.appender.close();
    return stagingBlobName(group, meta);
  }

  /** Drops everything staged for the group. */
  async discard(group: GroupId): Promise<void> {
    const receiving = this.#receiving.get(group);
    this.#receiving.delete(group);
    if (receiving !== undefined) await this.#drop(group, receiving);
    await this.#replaceComplete(group, undefined);
  }

  async close(): Promise<void> {
    const open = [...this.#receiving.values(), ...this.#complete.values()];
    this.#receiving.clear();
    this.#complete.clear();
    this.#unsynced.clear();
    await Promise.all(open.map((staged) => staged.appender.close()));
  }

  async #replaceComplete(group: GroupId, staged: Staged | undefined): Promise<void> {
    const previous = this.#complete.get(group);
    if (previous !== undefined) await this.#drop(group, previous);
    if (staged === undefined) this.#complete.delete(group);
    else this.#complete.set(group, staged);
  }

  async #drop(group: GroupId, staged: Staged): Promise<void> {
    this.#unsynced.delete(staged);
    await staged.appender.close();
    await this.blobs.remove(stagingBlobName(group, staged.meta));
  }
}
