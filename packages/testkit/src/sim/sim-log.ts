import { MemoryLogStorage, SnapshotTemporarilyUnavailableError } from '@flotilla/raft';
import type { ConfState, Entry, HardState, LogStorage, SnapshotMeta } from '@flotilla/raft';
import type { SnapshotFile, StoredGroup } from '@flotilla/storage';

const NO_BYTES = new Uint8Array(0);

/**
 * A replica's log as its core reads it, synchronously: what the store made durable, mirrored in
 * memory write by write, and the snapshot served from the store's own snapshot file. That file
 * is gone after a restart (and never existed for the bootstrap snapshot): the core is told to
 * wait, and the node writes one when it next has time.
 */
export class SimLog implements LogStorage {
  private readonly durable = new MemoryLogStorage();
  private file: SnapshotFile | undefined;
  /** The core asked for snapshot bytes that have no file yet. */
  snapshotWanted = false;

  /** Rebuilt from what the store loaded: nothing at all for a replica that has yet to join. */
  constructor(stored: StoredGroup | undefined) {
    if (stored === undefined) return;
    if (stored.snapshotMeta !== undefined) this.durable.applySnapshot(stored.snapshotMeta, NO_BYTES);
    this.durable.append(stored.entries);
    this.durable.setHardState(stored.hardState);
  }

  initialState(): { hardState: HardState; conf: ConfState } {
    return this.durable.initialState();
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.durable.entries(lo, hi, maxBytes);
  }

  term(index: number): number {
    return this.durable.term(index);
  }

  firstIndex(): number {
    return this.durable.firstIndex();
  }

  lastIndex(): number {
    return this.durable.lastIndex();
  }

  snapshot(): SnapshotMeta {
    return this.durable.snapshot();
  }

  snapshotChunk(meta: SnapshotMeta, offset: number, maxBytes: number): { data: Uint8Array; done: boolean } {
    if (this.file === undefined || !sameSnapshot(this.file.meta, meta)) {
      this.snapshotWanted = true;
      throw new SnapshotTemporarilyUnavailableError();
    }
    return this.file.readChunk(offset, maxBytes);
  }

  /** Whether the current snapshot's bytes can be served. */
  hasSnapshotFile(): boolean {
    return this.file !== undefined && sameSnapshot(this.file.meta, this.durable.snapshot());
  }

  /** Entries of a landed write. */
  append(entries: readonly Entry[]): void {
    this.durable.append(entries);
  }

  setHardState(hardState: HardState): void {
    this.durable.setHardState(hardState);
  }

  /** A received snapshot was installed: the log starts over after it. */
  installed(meta: SnapshotMeta): Promise<void> {
    this.durable.applySnapshot(meta, NO_BYTES);
    return this.serve(undefined);
  }

  /** Serves `file` from now on, and forgets the entries up to `compactIndex` (at most the file's index). */
  tookSnapshot(file: SnapshotFile, compactIndex: number): Promise<void> {
    if (file.meta.index > this.durable.snapshot().index) this.durable.createSnapshot(file.meta.index, file.meta.conf, NO_BYTES);
    this.durable.compact(compactIndex);
    this.snapshotWanted = false;
    return this.serve(file);
  }

  private async serve(file: SnapshotFile | undefined): Promise<void> {
    const previous = this.file;
    this.file = file;
    if (previous !== undefined && previous !== file) await previous.release();
  }
}

const sameSnapshot = (a: SnapshotMeta, b: SnapshotMeta): boolean => a.index === b.index && a.term === b.term;
