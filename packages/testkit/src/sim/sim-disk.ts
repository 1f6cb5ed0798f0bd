import { BOOTSTRAP_INDEX, BOOTSTRAP_TERM, MemoryLogStorage, NO_NODE } from '@flotilla/raft';
import type { ConfState, Entry, HardState, SnapshotChunk, SnapshotMeta } from '@flotilla/raft';

/** What one Ready asks to persist, written together and made durable by one sync. */
export interface WriteBatch {
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  readonly snapshotChunks: readonly SnapshotChunk[];
  readonly snapshot?: SnapshotMeta;
}

export interface StoredSnapshot {
  readonly meta: SnapshotMeta;
  readonly data: Uint8Array;
}

/** The state machine as last flushed: what a restart finds. */
export interface DurableStateMachine {
  readonly applied: number;
  readonly data: Uint8Array;
}

/** What a sync made durable, so the node can mirror it into its in-memory storage. */
export interface SyncResult {
  readonly batch: WriteBatch;
  /** Present when the batch installed a received snapshot: its assembled bytes. */
  readonly installed?: StoredSnapshot;
}

const snapshotKey = (meta: SnapshotMeta): string => `${meta.index}/${meta.term}`;

const concatBytes = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
};

/**
 * One node's disk. A write is volatile until `sync()`; `crash()` loses every write not yet
 * synced. Snapshots the node takes itself and state machine flushes are written atomically
 * (a file rename), so they are durable at once.
 */
export class SimDisk {
  private hardState: HardState;
  private snapshot: StoredSnapshot | undefined;
  /** Entries after the compaction point, contiguous. */
  private entries: Entry[] = [];
  private compactedIndex: number;
  /** Chunks received per snapshot (`index/term`): one Ready may finish one snapshot and start the next. */
  private stagedChunks = new Map<string, SnapshotChunk[]>();
  private machine: DurableStateMachine;
  private unsynced: WriteBatch[] = [];

  /**
   * A founding replica's disk holds the group's bootstrap snapshot (the first configuration and
   * an empty state machine); a replica created later to join starts with an empty disk.
   */
  constructor(private readonly bootstrapConf: ConfState | undefined) {
    const empty = new Uint8Array(0);
    if (bootstrapConf === undefined) {
      this.hardState = { term: 0, vote: NO_NODE, commit: 0 };
      this.compactedIndex = 0;
      this.machine = { applied: 0, data: empty };
    } else {
      this.hardState = { term: BOOTSTRAP_TERM, vote: NO_NODE, commit: BOOTSTRAP_INDEX };
      this.compactedIndex = BOOTSTRAP_INDEX;
      this.snapshot = { meta: { index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM, conf: bootstrapConf }, data: empty };
      this.machine = { applied: BOOTSTRAP_INDEX, data: empty };
    }
  }

  write(batch: WriteBatch): void {
    this.unsynced.push(batch);
  }

  /** Makes every write so far durable, in order. */
  sync(): SyncResult[] {
    const results = this.unsynced.map((batch) => this.persist(batch));
    this.unsynced = [];
    return results;
  }

  crash(): void {
    this.unsynced = [];
    // The restarted core knows nothing of a transfer in progress and starts it over.
    this.stagedChunks.clear();
  }

  private persist(batch: WriteBatch): SyncResult {
    for (const chunk of batch.snapshotChunks) {
      const key = snapshotKey(chunk.meta);
      const staged = chunk.offset === 0 ? [] : (this.stagedChunks.get(key) ?? []);
      staged.push(chunk);
      this.stagedChunks.set(key, staged);
    }
    let installed: StoredSnapshot | undefined;
    if (batch.snapshot !== undefined) {
      const { index } = batch.snapshot;
      installed = { meta: batch.snapshot, data: this.assembleStaged(batch.snapshot) };
      this.snapshot = installed;
      this.entries = [];
      this.compactedIndex = index;
      for (const [key, chunks] of this.stagedChunks) if ((chunks[0]?.meta.index ?? 0) <= index) this.stagedChunks.delete(key);
      this.machine = { applied: index, data: installed.data };
    }
    this.appendEntries(batch.entries);
    if (batch.hardState !== undefined) this.hardState = batch.hardState;
    return installed === undefined ? { batch } : { batch, installed };
  }

  private assembleStaged(meta: SnapshotMeta): Uint8Array {
    const staged = this.stagedChunks.get(snapshotKey(meta)) ?? [];
    let expectedOffset = 0;
    for (const chunk of staged) {
      if (chunk.meta.index !== meta.index || chunk.meta.term !== meta.term || chunk.offset !== expectedOffset) {
        throw new Error(
          `snapshot ${meta.index}/${meta.term} installed from chunks that do not line up: ` +
            `chunk of ${chunk.meta.index}/${chunk.meta.term} at offset ${chunk.offset}, expected offset ${expectedOffset}`,
        );
      }
      expectedOffset += chunk.data.byteLength;
    }
    const last = staged.at(-1);
    if (last === undefined || !last.done) throw new Error(`snapshot ${meta.index} installed before its last chunk arrived`);
    return concatBytes(staged.map((chunk) => chunk.data));
  }

  private appendEntries(entries: readonly Entry[]): void {
    const fresh = entries.filter((entry) => entry.index > this.compactedIndex);
    const head = fresh[0];
    if (head === undefined) return;
    const lastIndex = this.compactedIndex + this.entries.length;
    if (head.index > lastIndex + 1) throw new Error(`durable append at ${head.index} leaves a gap after ${lastIndex}`);
    this.entries = this.entries.slice(0, head.index - this.compactedIndex - 1).concat(fresh);
  }

  /** The node's own snapshot of its applied state; the log up to `compactIndex` goes with it. */
  saveSnapshot(snapshot: StoredSnapshot, compactIndex: number): void {
    this.snapshot = snapshot;
    if (compactIndex > this.compactedIndex) {
      this.entries = this.entries.slice(compactIndex - this.compactedIndex);
      this.compactedIndex = compactIndex;
    }
  }

  flushStateMachine(machine: DurableStateMachine): void {
    this.machine = machine;
  }

  durableHardState(): HardState {
    return this.hardState;
  }

  durableEntries(): readonly Entry[] {
    return this.entries;
  }

  durableSnapshot(): StoredSnapshot | undefined {
    return this.snapshot;
  }

  /** The state machine a restart resumes from: the flushed one, or the snapshot when that is newer. */
  durableStateMachine(): DurableStateMachine {
    const snapshot = this.snapshot;
    return snapshot !== undefined && snapshot.meta.index > this.machine.applied
      ? { applied: snapshot.meta.index, data: snapshot.data }
      : this.machine;
  }

  /** Rebuilds the core's storage from durable state only. */
  openStorage(): MemoryLogStorage {
    const storage = new MemoryLogStorage(this.bootstrapConf);
    storage.setHardState(this.hardState);
    if (this.snapshot !== undefined) {
      storage.applySnapshot(this.snapshot.meta, this.snapshot.data);
      if (this.compactedIndex > this.snapshot.meta.index) {
        throw new Error(`log compacted to ${this.compactedIndex} beyond the snapshot at ${this.snapshot.meta.index}`);
      }
    }
    storage.append(this.entries);
    return storage;
  }
}
