import { EntryType, MemoryLogStorage, SnapshotTemporarilyUnavailableError } from '@flotilla/raft';
import type { ConfState, Entry, HardState, LogStorage, SnapshotMeta } from '@flotilla/raft';
import type { SnapshotFile, StoredGroup } from './node-store.js';

/**
 * One replica's log as the core sees it, synchronously: the entries since the last compaction
 * in memory (the host writes them to the store in its own batches), and the newest snapshot
 * served from the store's snapshot file. A snapshot the core asks for before its file exists
 * (after a restart, or the bootstrap snapshot) makes it wait while the host writes one.
 */
export class GroupLog implements LogStorage {
  private readonly memory = new MemoryLogStorage();
  private file: SnapshotFile | undefined;
  /** The core asked for snapshot bytes that have no file yet. */
  snapshotWanted = false;
  /** The hard state last handed out to be written (or found stored). */
  private written: HardState;

  /**
   * Rebuilds the log a replica stored: snapshot point, hard state, entries after the snapshot.
   * A replica created to join a group may have stored no snapshot yet (only a term and vote, say):
   * its log starts at the beginning.
   */
  constructor(stored: StoredGroup | undefined) {
    this.written = stored?.hardState ?? this.memory.initialState().hardState;
    if (stored === undefined) return;
    const meta = stored.snapshotMeta;
    if (meta !== undefined) this.memory.applySnapshot(meta, new Uint8Array(0));
    this.memory.append(stored.entries);
    const commit = Math.max(stored.hardState.commit, meta?.index ?? 0, stored.applyState.appliedIndex);
    this.memory.setHardState({ ...stored.hardState, commit });
  }

  initialState(): { hardState: HardState; conf: ConfState } {
    return this.memory.initialState();
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    return this.memory.entries(lo, hi, maxBytes);
  }

  term(index: number): number {
    return this.memory.term(index);
  }

  firstIndex(): number {
    return this.memory.firstIndex();
  }

  lastIndex(): number {
    return this.memory.lastIndex();
  }

  snapshot(): SnapshotMeta {
    return this.memory.snapshot();
  }

  snapshotChunk(meta: SnapshotMeta, offset: number, maxBytes: number): { data: Uint8Array; done: boolean } {
    const file = this.file;
    if (file === undefined || file.meta.index !== meta.index || file.meta.term !== meta.term) {
      this.snapshotWanted = true;
      throw new SnapshotTemporarilyUnavailableError();
    }
    return file.readChunk(offset, maxBytes);
  }

  /** Whether the current snapshot can be served now. */
  hasSnapshotFile(): boolean {
    return this.file !== undefined && this.file.meta.index === this.memory.snapshot().index;
  }

  append(entries: readonly Entry[]): void {
    this.memory.append(entries);
  }

  /**
   * Takes a Ready's hard state, and returns the hard state to write (and sync before the Ready's
   * messages leave), if any: when the term or vote changed, or when the Ready's committed entries
   * hold a configuration change that the written commit index does not cover. The commit index
   * is otherwise volatile (Raft's Figure 2) and a restart derives it (see the constructor); but a
   * configuration takes effect when applied, and a node that restarted without knowing one had
   * committed would campaign in the configuration before it, with votes of members the change
   * removed (found by the simulator, seed 1109).
   */
  takeHardState(hardState: HardState | undefined, committedEntries: readonly Entry[]): HardState | undefined {
    if (hardState !== undefined) this.memory.setHardState(hardState);
    const current = this.memory.initialState().hardState;
    const termOrVote = current.term !== this.written.term || current.vote !== this.written.vote;
    const uncoveredConf = committedEntries.some((entry) => entry.type === EntryType.CONFIGURATION && entry.index > this.written.commit);
    if (!termOrVote && !uncoveredConf) return undefined;
    this.written = current;
    return current;
  }

  /** A received snapshot replaced the replica's state: the log restarts after it. */
  installedSnapshot(meta: SnapshotMeta): Promise<void> {
    this.memory.applySnapshot(meta, new Uint8Array(0));
    return this.replaceFile(undefined);
  }

  /**
   * The applied state at `meta` is the snapshot from now on (its data is the store itself):
   * entries up to `compactIndex` go, and a file of an older snapshot is released.
   */
  compacted(meta: SnapshotMeta, compactIndex: number): Promise<void> {
    this.moveSnapshotPoint(meta, compactIndex);
    return this.replaceFile(undefined);
  }

  /**
   * Takes `file` as the snapshot served from now on and drops entries up to `compactIndex`
   * (at most the snapshot's index; entries kept below it spare slow followers a snapshot).
   */
  tookSnapshot(file: SnapshotFile, compactIndex: number): Promise<void> {
    this.moveSnapshotPoint(file.meta, compactIndex);
    this.snapshotWanted = false;
    return this.replaceFile(file);
  }

  /** The snapshot point moves up to `meta` (a file may be of the current point) and the log is compacted. */
  private moveSnapshotPoint(meta: SnapshotMeta, compactIndex: number): void {
    if (meta.index > this.memory.snapshot().index) this.memory.createSnapshot(meta.index, meta.conf, new Uint8Array(0));
    this.memory.compact(compactIndex);
  }

  close(): Promise<void> {
    return this.replaceFile(undefined);
  }

  private async replaceFile(file: SnapshotFile | undefined): Promise<void> {
    const previous = this.file;
    this.file = file;
    if (previous !== undefined && previous !== file) await previous.release();
  }
}
