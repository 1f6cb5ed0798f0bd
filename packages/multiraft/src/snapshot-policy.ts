import type { SnapshotMeta } from '@flotilla/raft';
import type { NodeStore } from '@flotilla/storage';
import type { NodeLogger } from './node-logger.js';
import type { Replica } from './replica.js';

export interface SnapshotPolicyOptions {
  readonly store: NodeStore;
  /** Snapshot a group after this many applied entries or log bytes since its last snapshot. */
  readonly thresholdEntries: number;
  readonly thresholdBytes: number;
  readonly logger: NodeLogger;
  readonly onFatal: (error: unknown) => void;
}

/**
 * When to take a snapshot and how to install a received one. A snapshot is taken when the
 * log grows past a threshold, or when the core needs one to send and none is on disk (after a
 * restart, or for a bootstrap snapshot). Part of the log below it is kept, so that a follower a
 * little behind gets entries instead of the whole state.
 */
export class SnapshotPolicy {
  /** Installs begun per replica: a snapshot taken across an install is older than it and must not be recorded. */
  private readonly installsBegun = new WeakMap<Replica, number>();
  private readonly taking = new Set<Promise<void>>();

  constructor(private readonly options: SnapshotPolicyOptions) {}

  private get catchUpEntries(): number {
    return Math.min(5000, Math.floor(this.options.thresholdEntries / 2));
  }

  /** The replica's log has outgrown the threshold, or the core needs a snapshot file to send. */
  wants(replica: Replica): boolean {
    if (replica.snapshotInProgress) return false;
    const due =
      replica.appliedIndex - replica.log.snapshot().index >= this.options.thresholdEntries ||
      replica.bytesSinceSnapshot >= this.options.thresholdBytes;
    return due || (replica.log.snapshotWanted && !replica.log.hasSnapshotFile());
  }

  /** Called at a turn's start, when the replica's written state is exactly its applied state. */
  maybeStart(replica: Replica, wake: () => void): void {
    if (replica.writtenIndex !== replica.appliedIndex || !this.wants(replica)) return;
    const current = replica.log.snapshot();
    const meta: SnapshotMeta =
      replica.appliedIndex > current.index
        ? { index: replica.appliedIndex, term: replica.appliedTerm, conf: replica.raft.confState() }
        : current;
    replica.snapshotInProgress = true;
    const installsBefore = this.installsBegun.get(replica) ?? 0;
    const { store } = this.options;
    // The store reads its view before the first await, so meta and the data agree.
    const taking = store.createSnapshot(replica.group, replica.range, meta, replica.machine.stateBlob());
    const done = taking
      .then(async (file) => {
        if ((this.installsBegun.get(replica) ?? 0) !== installsBefore) {
          // Its meta would overwrite the installed snapshot's record and leave the stored log unloadable.
          await file.release();
          replica.snapshotInProgress = false;
          wake();
          return;
        }
        const compactIndex = Math.max(replica.log.firstIndex() - 1, meta.index - this.catchUpEntries);
        const batch = store.newBatch().setSnapshotMeta(replica.group, meta).deleteLogBefore(replica.group, compactIndex + 1);
        await store.writeBatch(batch, { sync: false });
        await replica.log.tookSnapshot(file, compactIndex);
        replica.bytesSinceSnapshot = 0;
        replica.snapshotsTaken++;
        replica.snapshotInProgress = false;
        this.options.logger.info(
          { group: replica.group, index: meta.index, bytes: file.size, compactedThrough: compactIndex },
          'took a snapshot',
        );
        wake();
      })
      .catch(this.options.onFatal);
    this.taking.add(done);
    void done.then(() => this.taking.delete(done));
  }

  /** Resolves once the snapshots being taken have finished, so the store may close. */
  async settled(): Promise<void> {
    await Promise.all(this.taking);
  }

  /** A snapshot fully received: swap the range's data in and restart the state machine from it. */
  async install(replica: Replica, meta: SnapshotMeta, store: NodeStore): Promise<void> {
    this.installsBegun.set(replica, (this.installsBegun.get(replica) ?? 0) + 1);
    const stateBlob = await store.installSnapshot(replica.group, meta, replica.range);
    const keys = await restoreMachine(replica, stateBlob, store);
    replica.appliedIndex = meta.index;
    replica.appliedTerm = meta.term;
    replica.writtenIndex = meta.index;
    replica.bytesSinceSnapshot = 0;
    replica.snapshotsInstalled++;
    replica.writeWaiters.abandonThrough(meta.index);
    replica.reads.written(meta.index);
    await replica.log.installedSnapshot(meta);
    this.options.logger.info({ group: replica.group, index: meta.index, term: meta.term, keys }, 'installed a snapshot');
  }

}

/** Loads the replica's state machine from its stored range and state blob; returns the key count. */
export async function restoreMachine(replica: Replica, stateBlob: Uint8Array, store: NodeStore): Promise<number> {
  const records: { key: Uint8Array; record: Uint8Array }[] = [];
  for await (const record of store.scanUserRecords(replica.range)) records.push({ key: record.key, record: record.value });
  replica.machine.restore(stateBlob, records);
  return records.length;
}
