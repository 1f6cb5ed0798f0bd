import type { ConfState, Entry, HardState, SnapshotMeta } from './types.js';

/**
 * The core's synchronous view of one group's durable log. A group's founding replicas start
 * from a snapshot at index 1 holding the first configuration (`BOOTSTRAP_INDEX`); a replica
 * added later starts empty and is sent a snapshot. Hosts keep it in memory (the
 * `MemoryLogStorage` here) and write through to disk in their own batches, so the core
 * never waits on I/O.
 */
export interface LogStorage {
  /**
   * The hard state found at start, and the configuration as of the snapshot (`snapshot().index`).
   * The core replays configuration entries after the snapshot up to the applied index itself.
   */
  initialState(): { hardState: HardState; conf: ConfState };
  /** Entries in [lo, hi), at least one even when it alone exceeds `maxBytes`. Throws `CompactedError` below firstIndex. */
  entries(lo: number, hi: number, maxBytes: number): Entry[];
  /** Term of the entry at `index`; for firstIndex()-1 the snapshot's term. Throws `CompactedError` / `UnavailableError`. */
  term(index: number): number;
  firstIndex(): number;
  lastIndex(): number;
  /** Metadata of the newest snapshot; throws `SnapshotTemporarilyUnavailableError` while the host prepares one. */
  snapshot(): SnapshotMeta;
  /** Up to `maxBytes` of the snapshot's bytes from `offset`; `done` on the last piece. */
  snapshotChunk(meta: SnapshotMeta, offset: number, maxBytes: number): { data: Uint8Array; done: boolean };
}
