import { ProgressState, type SnapshotMeta } from '@flotilla/raft';
import type { NodeStore, WriteBatch } from '@flotilla/storage';
import type { HostObserver } from './host-observer.js';
import type { NodeLogger } from './node-logger.js';
import type { Replica } from './replica.js';
import type { StoredRecord } from './state-machine.js';

export interface SnapshotPolicyOptions {
  readonly store: NodeStore;
  /** Snapshot a group after this many applied entries or log bytes since its last snapshot. */
  readonly thresholdEntries: number;
  readonly thresholdBytes: number;
  readonly logger: NodeLogger;
  readonly onFatal: (error: unknown) => void;
  readonly observer?: HostObserver | undefined;
}

/**
 * When to compact the log, when to write a snapshot file, and how to install a received one.
 * The state machine lives in the same store as the log, so compacting needs no file: the turn's
 * batch records the applied point as the snapshot and deletes the log below it (keeping some
 * entries, so that a follower a little behind gets entries instead of the whole state). A file
 * of the range is written only when the core needs one to send, so a store of any size does not
 * pay a full scan every few thousand writes.
 */
/** Stored entries deleted per replica per turn after a compaction. */
const LOG_TRIM_ENTRIES_PER_TURN = 256;

export class SnapshotPolicy {
  /** Installs begun per replica: a snapshot taken across an install is older than it and must not be recorded. */
  private readonly installsBegun = new WeakMap<Replica, number>();
  private readonly taking = new Set<Promise<void>>();

  constructor(private readonly options: SnapshotPolicyOptions) {}

  private get catchUpEntries(): number {
    return Math.min(5000, Math.floor(this.options.thresholdEntries / 2));
  }

  /** The core asked for snapshot bytes that no file holds yet. */
  wantsFile(replica: Replica): boolean {
    return !replica.snapshotInProgress && replica.log.snapshotWanted && !replica.log.hasSnapshotFile();
  }

  /**
   * Compacts the replica's log in the turn's batch (which also carries the apply writes up to
   * the applied index; asked for only when needed) when the log has outgrown the threshold. Not
   * while a snapshot is being sent: moving the snapshot point would restart the transfer, which
   * then might never finish.
   */
  compactIfDue(replica: Replica, turnBatch: () => WriteBatch): void {
    const current = replica.log.snapshot();
    const due =
      replica.appliedIndex - current.index >= this.options.thresholdEntries || replica.bytesSinceSnapshot >= this.options.thresholdBytes;
    if (!due || replica.appliedIndex <= current.index || replica.snapshotInProgress || sendingSnapshot(replica)) return;
    const meta: SnapshotMeta = { index: replica.appliedIndex, term: replica.appliedTerm, conf: replica.raft.confState() };
    const compactIndex = Math.max(replica.log.firstIndex() - 1, meta.index - this.catchUpEntries);
    turnBatch().setSnapshotMeta(replica.group, meta);
    this.trimStoredLogThrough(replica, compactIndex);
    this.track(replica.log.compacted(meta, compactIndex));
    replica.bytesSinceSnapshot = 0;
    replica.compactions++;
    this.options.observer?.onSnapshotTaken(replica.group, meta, replica.machine.digest());
    this.options.observer?.onCompact(replica.group, compactIndex);
  }

  /** The stored entries up to `compactIndex` are to go (the in-memory log drops them at once). */
  private trimStoredLogThrough(replica: Replica, compactIndex: number): void {
    const from = replica.logTrim?.from ?? replica.log.firstIndex();
    if (compactIndex >= from) replica.logTrim = { from, through: compactIndex };
  }

  /**
   * Deletes a few compacted entries from the store in the turn's batch. Deleted all at once, a
   * compaction's thousands of entries made its turn's write stall the loop for tens of
   * milliseconds (the largest source of tail latency under load). At a replica's first turn,
   * entries an earlier run kept below its snapshot (and a trim a crash cut short) are cleared.
   */
  trimLog(replica: Replica, turnBatch: () => WriteBatch): void {
    if (!replica.storedLogTailCleared) {
      turnBatch().deleteLogBefore(replica.group, replica.log.snapshot().index + 1);
      replica.storedLogTailCleared = true;
      return;
    }
    const trim = replica.logTrim;
    if (trim === undefined) return;
    const through = Math.min(trim.through, trim.from + LOG_TRIM_ENTRIES_PER_TURN - 1);
    turnBatch().deleteLogEntries(replica.group, trim.from, through);
    replica.logTrim = through === trim.through ? undefined : { from: through + 1, through: trim.through };
  }

  /** Called at a turn's start, when the replica's written state is exactly its applied state. */
  maybeWriteFile(replica: Replica, wake: () => void): void {
    if (replica.writtenIndex !== replica.appliedIndex || !this.wantsFile(replica)) return;
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
    const observer = this.options.observer;
    const stateDigest = observer === undefined ? 0 : replica.machine.digest();
    this.track(
      taking.then(async (file) => {
        if ((this.installsBegun.get(replica) ?? 0) !== installsBefore) {
          // Its meta would overwrite the installed snapshot's record and leave the stored log unloadable.
          await file.release();
          replica.snapshotInProgress = false;
          wake();
          return;
        }
        const compactIndex = Math.max(replica.log.firstIndex() - 1, meta.index - this.catchUpEntries);
        await store.writeBatch(store.newBatch().setSnapshotMeta(replica.group, meta), { sync: false });
        this.trimStoredLogThrough(replica, compactIndex);
        await replica.log.tookSnapshot(file, compactIndex);
        replica.bytesSinceSnapshot = 0;
        replica.snapshotsTaken++;
        replica.snapshotInProgress = false;
        observer?.onSnapshotTaken(replica.group, meta, stateDigest);
        observer?.onCompact(replica.group, compactIndex);
        this.options.logger.info(
          { group: replica.group, index: meta.index, bytes: file.size, compactedThrough: compactIndex },
          'wrote a snapshot file to send',
        );
        wake();
      }),
    );
  }

  private track(work: Promise<void>): void {
    const done = work.catch(this.options.onFatal);
    this.taking.add(done);
    void done.then(() => this.taking.delete(done));
  }

  /** Resolves once the snapshot files being written (or released) are done, so the store may close. */
  async settled(): Promise<void> {
    await Promise.all(this.taking);
  }

  /** A snapshot fully received: swap the range's data in and restart the state machine from it. */
  async install(replica: Replica, meta: SnapshotMeta, store: NodeStore): Promise<void> {
    this.installsBegun.set(replica, (this.installsBegun.get(replica) ?? 0) + 1);
    const stateBlob = await store.installSnapshot(replica.group, meta, replica.range);
    // The install replaced the stored log itself.
    replica.logTrim = undefined;
    const keys = await restoreMachine(replica, stateBlob, store);
    replica.appliedIndex = meta.index;
    replica.appliedTerm = meta.term;
    replica.writtenIndex = meta.index;
    replica.bytesSinceSnapshot = 0;
    replica.snapshotsInstalled++;
    replica.writeWaiters.abandonThrough(meta.index);
    replica.reads.written(meta.index);
    await replica.log.installedSnapshot(meta);
    this.options.observer?.onSnapshotApplied(replica.group, meta, replica.machine.digest());
    this.options.logger.info({ group: replica.group, index: meta.index, term: meta.term, keys }, 'installed a snapshot');
  }

}

/** Loads the replica's state machine from its stored range and state blob; returns the key count. */
export async function restoreMachine(replica: Replica, stateBlob: Uint8Array, store: NodeStore): Promise<number> {
  let keys = 0;
  async function* records(): AsyncIterable<StoredRecord> {
    for await (const record of store.scanUserRecords(replica.range)) {
      keys++;
      yield { key: record.key, record: record.value };
    }
  }
  await replica.machine.restore(stateBlob, records());
  return keys;
}

/** A leader with a follower in the middle of receiving a snapshot. */
function sendingSnapshot(replica: Replica): boolean {
  if (!replica.isLeader) return false;
  return replica.raft.status().progress?.some((peer) => peer.state === ProgressState.SNAPSHOT) ?? false;
}
