// The NodeStore over any ordered KvEngine and BlobStore. All writes pass through one queue, so
// multi-batch operations (install, drop) and range deletes see no interleaved writes.
import type { Entry, GroupId, HardState, NodeId, SnapshotChunk, SnapshotMeta } from '@flotilla/raft';
import type { BlobStore } from './blob-store.js';
import { StoreCorruptError } from './errors.js';
import { compareBytes, successor } from './bytes.js';
import type { KvEngine, KvOp } from './engine.js';
import { checkHash, checkHashRange, rangeContains, type HashRange } from './hash-range.js';
import {
  applyStateKey,
  confStateKey,
  decodeIndexedHash,
  decodeUserKey,
  dropMarkerKey,
  dropMarkerRange,
  encodeIndexedHash,
  groupOfMarkerKey,
  groupOfRaftKey,
  groupRange,
  hardStateKey,
  installMarkerKey,
  installMarkerRange,
  isLastGroupId,
  keyIndexKey,
  keyIndexPrefixRange,
  keyOfIndexKey,
  logIndexOf,
  logKey,
  logRange,
  nodeIdentityKey,
  raftRecordsFrom,
  shardKey,
  snapshotMetaKey,
  userKey,
  userRange,
  type KeyRange,
} from './keys.js';
import { USER_KEY_MAX_BYTES } from './limits.js';
import type { ApplyState, NodeMeta, NodeStore, SnapshotFile, StoredGroup, UserRecord } from './node-store.js';
import {
  decodeApplyState,
  decodeConfState,
  decodeDropMarker,
  decodeEntry,
  decodeHardState,
  decodeInstallMarker,
  decodeNodeMeta,
  decodeShard,
  decodeSnapshotMeta,
  encodeApplyState,
  encodeConfState,
  encodeHardState,
  encodeInstallMarker,
  encodeSnapshotMeta,
  entryTermOf,
  type InstallMarker,
} from './records.js';
import { OutgoingSnapshot, readSnapshotBlob, writeSnapshotBlob } from './snapshot-blob.js';
import { isStagingBlob, SnapshotStaging, stagingBlobName } from './snapshot-staging.js';
import { WriteBatch, type BatchOp, type GroupDrop } from './write-batch.js';

/** Steps inside multi-batch operations; a hook that throws there simulates a crash (tests). */
export type CrashPoint = 'install:marked' | 'install:cleared' | 'install:loaded' | 'drop:marked' | 'drop:cleared';

export interface NodeStoreOptions {
  readonly crashPoint?: (point: CrashPoint) => void;
}

const OUTGOING_PREFIX = 'outgoing-';
/** Keys deleted per batch when clearing a dropped or reinstalled range. */
const CLEAR_STEP_KEYS = 1024;
/** Bytes per (unsynced) batch when loading a snapshot's records. */
const INSTALL_BATCH_BYTES = 4 * 1024 * 1024;

const EMPTY_CONF = { voters: [], votersOutgoing: [], learners: [], learnersNext: [] };
// Vote 0 is the core's NO_NODE; this package takes only types from @flotilla/raft.
const EMPTY_HARD_STATE: HardState = { term: 0, vote: 0 as NodeId, commit: 0 };
const emptyApplyState = (): ApplyState => ({ appliedIndex: 0, appliedTerm: 0, stateMachine: new Uint8Array(0) });

const isKvOp = (op: BatchOp): op is KvOp => op.type !== 'clear';

const inKeyRange = (key: Uint8Array, range: KeyRange): boolean =>
  compareBytes(key, range.gte) >= 0 && compareBytes(key, range.lt) < 0;

export class EngineNodeStore implements NodeStore {
  #writes: Promise<unknown> = Promise.resolve();
  #outgoingSeq = 0;
  readonly #outgoing = new Set<OutgoingSnapshot>();
  readonly #staging: SnapshotStaging;

  protected constructor(
    private readonly engine: KvEngine,
    private readonly blobs: BlobStore,
    private readonly options: NodeStoreOptions,
  ) {
    this.#staging = new SnapshotStaging(blobs);
  }

  /** Finishes what a crash interrupted and removes leftover files; run once by every open. */
  protected async recover(): Promise<void> {
    const installs: [GroupId, InstallMarker][] = [];
    for await (const [key, value] of this.engine.entries(installMarkerRange())) {
      installs.push([groupOfMarkerKey(key), decodeInstallMarker(value)]);
    }
    for (const [group, marker] of installs) await this.#finishInstall(group, marker);

    const drops: GroupDrop[] = [];
    for await (const [key, value] of this.engine.entries(dropMarkerRange())) {
      drops.push({ group: groupOfMarkerKey(key), range: decodeDropMarker(value) });
    }
    for (const drop of drops) await this.#finishDrop(drop);

    // Outgoing snapshots are recreated on demand; a half-received one restarts from offset 0.
    for (const name of await this.blobs.list()) {
      if (name.startsWith(OUTGOING_PREFIX) || isStagingBlob(name)) await this.blobs.remove(name);
    }
  }

  #crashPoint(point: CrashPoint): void {
    this.options.crashPoint?.(point);
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#writes.then(work);
    // The failure reaches the caller through `result`; the queue itself moves on.
    this.#writes = result.catch(() => undefined);
    return result;
  }

  newBatch(): WriteBatch {
    return new WriteBatch();
  }

  writeBatch(batch: WriteBatch, options: { sync: boolean }): Promise<void> {
    return this.#exclusive(async () => {
      const ops = await this.#resolve(batch.operations);
      await Promise.all([
        ops.length > 0 ? this.engine.write(ops, options) : undefined,
        options.sync ? this.#staging.syncAll() : undefined,
      ]);
      for (const drop of batch.drops) await this.#finishDrop(drop);
    });
  }

  /** Turns range clears into deletes of the keys stored now and of those put earlier in the batch. */
  async #resolve(ops: readonly BatchOp[]): Promise<readonly KvOp[]> {
    // Puts and deletes only (a turn's batch, nearly always) are written as they are, uncopied.
    if (ops.every(isKvOp)) return ops;
    const resolved: KvOp[] = [];
    for (const op of ops) {
      if (op.type !== 'clear') {
        resolved.push(op);
        continue;
      }
      const earlierPuts = resolved.filter((earlier) => earlier.type === 'put' && inKeyRange(earlier.key, op.range));
      for (const put of earlierPuts) resolved.push({ type: 'del', key: put.key });
      for await (const key of this.engine.keys(op.range)) resolved.push({ type: 'del', key });
    }
    return resolved;
  }

  /** Deletes a range in bounded unsynced steps; with `userData`, also the key index of each record. */
  async #clearRange(range: KeyRange, userData: boolean): Promise<void> {
    let gte = range.gte;
    for (;;) {
      const ops: KvOp[] = [];
      let last: Uint8Array | undefined;
      for await (const key of this.engine.keys({ gte, lt: range.lt }, CLEAR_STEP_KEYS)) {
        ops.push({ type: 'del', key });
        if (userData) ops.push({ type: 'del', key: keyIndexKey(decodeUserKey(key).key) });
        last = key;
      }
      if (last === undefined) return;
      await this.engine.write(ops, { sync: false });
      gte = successor(last);
    }
  }

  async #finishDrop(drop: GroupDrop): Promise<void> {
    this.#crashPoint('drop:marked');
    await this.#staging.discard(drop.group);
    await this.#clearRange(groupRange(drop.group), false);
    if (drop.range !== undefined) await this.#clearRange(userRange(drop.range), true);
    this.#crashPoint('drop:cleared');
    // A synced write also makes the unsynced clearing steps before it durable (one WAL).
    await this.engine.write([{ type: 'del', key: dropMarkerKey(drop.group) }], { sync: true });
  }

  async loadNodeMeta(): Promise<NodeMeta | undefined> {
    const value = await this.engine.get(nodeIdentityKey());
    return value === undefined ? undefined : decodeNodeMeta(value);
  }

  async listGroups(): Promise<GroupId[]> {
    const groups: GroupId[] = [];
    let from = 0;
    for (;;) {
      let found: GroupId | undefined;
      for await (const key of this.engine.keys(raftRecordsFrom(from), 1)) found = groupOfRaftKey(key);
      if (found === undefined) return groups;
      groups.push(found);
      if (isLastGroupId(found)) return groups;
      from = found + 1;
    }
  }

  async loadGroup(group: GroupId): Promise<StoredGroup | undefined> {
    try {
      return await this.#loadGroup(group);
    } catch (error) {
      if (error instanceof StoreCorruptError) throw new StoreCorruptError(`group ${group}: ${error.message}`, { cause: error });
      throw error;
    }
  }

  async #loadGroup(group: GroupId): Promise<StoredGroup | undefined> {
    const view = this.engine.snapshot();
    try {
      const [hard, apply, conf, snapshot, shard] = await view.getMany([
        hardStateKey(group),
        applyStateKey(group),
        confStateKey(group),
        snapshotMetaKey(group),
        shardKey(group),
      ]);
      const snapshotMeta = snapshot === undefined ? undefined : decodeSnapshotMeta(snapshot);
      const firstIndex = (snapshotMeta?.index ?? 0) + 1;
      const entries: Entry[] = [];
      for await (const [key, value] of view.entries(logRange(group, firstIndex))) {
        const index = logIndexOf(key);
        if (index !== firstIndex + entries.length) {
          throw new StoreCorruptError(`stored log has a gap before index ${index} (first expected ${firstIndex})`);
        }
        entries.push(decodeEntry(index, value));
      }
      if (entries.length === 0 && [hard, apply, conf, snapshot, shard].every((value) => value === undefined)) return undefined;
      return {
        group,
        hardState: hard === undefined ? EMPTY_HARD_STATE : decodeHardState(hard),
        conf: conf === undefined ? (snapshotMeta?.conf ?? EMPTY_CONF) : decodeConfState(conf),
        ...(snapshotMeta === undefined ? {} : { snapshotMeta }),
        applyState: apply === undefined ? emptyApplyState() : decodeApplyState(apply),
        entries,
        ...(shard === undefined ? {} : { shard: decodeShard(shard) }),
      };
    } finally {
      await view.release();
    }
  }

  async getUserRecord(hash: bigint, key: Uint8Array): Promise<Uint8Array | undefined> {
    checkHash(hash);
    return this.engine.get(userKey(hash, key));
  }

  async *scanUserRecords(range: HashRange): AsyncIterable<UserRecord> {
    checkHashRange(range);
    for await (const [storedKey, value] of this.engine.entries(userRange(range))) {
      yield { ...decodeUserKey(storedKey), value };
    }
  }

  async scanKeyPrefix(prefix: Uint8Array, range: HashRange, limit: number): Promise<UserRecord[]> {
    if (!(prefix instanceof Uint8Array) || prefix.length > USER_KEY_MAX_BYTES) {
      throw new RangeError(`a key prefix must be at most ${USER_KEY_MAX_BYTES} bytes`);
    }
    checkHashRange(range);
    // The service bounds what a client may ask for (MAX_SCAN_LIMIT in @flotilla/kv).
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new RangeError(`scan limit ${limit} is not a positive integer`);
    }
    // One view for index and data, so a concurrent apply cannot split a record from its index entry.
    const view = this.engine.snapshot();
    try {
      const found: { hash: bigint; key: Uint8Array }[] = [];
      for await (const [indexKey, indexed] of view.entries(keyIndexPrefixRange(prefix))) {
        const hash = decodeIndexedHash(indexed);
        if (rangeContains(range, hash)) found.push({ hash, key: keyOfIndexKey(indexKey) });
        if (found.length === limit) break;
      }
      const values = await view.getMany(found.map(({ hash, key }) => userKey(hash, key)));
      return found.map(({ hash, key }, i) => {
        const value = values[i];
        if (value === undefined) throw new Error(`key index names a missing record (hash ${hash})`);
        return { hash, key, value };
      });
    } finally {
      await view.release();
    }
  }

  async createSnapshot(group: GroupId, range: HashRange, meta: SnapshotMeta, stateMachine: Uint8Array): Promise<SnapshotFile> {
    checkHashRange(range);
    // Taken before the first await: the file shows exactly the state `meta` describes.
    const view = this.engine.snapshot();
    const name = `${OUTGOING_PREFIX}${group}-${meta.index}-${++this.#outgoingSeq}.snap`;
    try {
      await writeSnapshotBlob(this.blobs, name, view, range, meta, stateMachine);
    } catch (error) {
      await this.blobs.remove(name);
      throw error;
    } finally {
      await view.release();
    }
    const file: OutgoingSnapshot = new OutgoingSnapshot(meta, this.blobs.openReader(name), async () => {
      this.#outgoing.delete(file);
      await this.blobs.remove(name);
    });
    this.#outgoing.add(file);
    return file;
  }

  stageSnapshotChunk(group: GroupId, chunk: SnapshotChunk): Promise<void> {
    return this.#staging.stage(group, chunk);
  }

  installSnapshot(group: GroupId, meta: SnapshotMeta, range: HashRange): Promise<Uint8Array> {
    checkHashRange(range);
    return this.#exclusive(async () => {
      const marker: InstallMarker = { meta, range };
      const blob = await this.#staging.seal(group, meta);
      try {
        await readSnapshotBlob(this.blobs, blob, { index: meta.index, term: meta.term, range }, () => undefined);
      } catch (error) {
        await this.blobs.remove(blob);
        throw error;
      }
      await this.engine.write([{ type: 'put', key: installMarkerKey(group), value: encodeInstallMarker(marker) }], { sync: true });
      this.#crashPoint('install:marked');
      return this.#finishInstall(group, marker);
    });
  }

  /** Everything after the marker; idempotent, so recovery simply runs it again. */
  async #finishInstall(group: GroupId, { meta, range }: InstallMarker): Promise<Uint8Array> {
    const blob = stagingBlobName(group, meta);
    await this.#clearRange(userRange(range), true);
    this.#crashPoint('install:cleared');

    let stateMachine: Uint8Array | undefined;
    let ops: KvOp[] = [];
    let opsBytes = 0;
    await readSnapshotBlob(this.blobs, blob, { index: meta.index, term: meta.term, range }, async (record) => {
      if (record.kind === 'stateMachine') {
        stateMachine = record.data;
        return;
      }
      ops.push({ type: 'put', key: userKey(record.hash, record.key), value: record.value });
      ops.push({ type: 'put', key: keyIndexKey(record.key), value: encodeIndexedHash(record.hash) });
      opsBytes += record.key.length * 2 + record.value.length;
      if (opsBytes >= INSTALL_BATCH_BYTES) {
        await this.engine.write(ops, { sync: false });
        ops = [];
        opsBytes = 0;
      }
    });
    if (stateMachine === undefined) throw new Error(`group ${group}: verified snapshot lacks its state machine record`);
    if (ops.length > 0) await this.engine.write(ops, { sync: false });
    this.#crashPoint('install:loaded');

    const final: BatchOp[] = [
      { type: 'clear', range: (await this.#logMatches(group, meta)) ? logRange(group, 0, meta.index + 1) : logRange(group, 0) },
      { type: 'put', key: snapshotMetaKey(group), value: encodeSnapshotMeta(meta) },
      { type: 'put', key: confStateKey(group), value: encodeConfState(meta.conf) },
      { type: 'put', key: applyStateKey(group), value: encodeApplyState({ appliedIndex: meta.index, appliedTerm: meta.term, stateMachine }) },
      { type: 'del', key: installMarkerKey(group) },
    ];
    const hard = await this.engine.get(hardStateKey(group));
    const hardState = hard === undefined ? EMPTY_HARD_STATE : decodeHardState(hard);
    // A snapshot is committed state: never restart with a commit index below what was applied.
    if (hardState.commit < meta.index) {
      final.push({ type: 'put', key: hardStateKey(group), value: encodeHardState({ ...hardState, commit: meta.index }) });
    }
    await this.engine.write(await this.#resolve(final), { sync: true });
    await this.blobs.remove(blob);
    return stateMachine;
  }

  /** Whether the stored log (or the current snapshot) holds the snapshot's last entry. */
  async #logMatches(group: GroupId, meta: SnapshotMeta): Promise<boolean> {
    const [entry, snapshot] = await this.engine.getMany([logKey(group, meta.index), snapshotMetaKey(group)]);
    if (entry !== undefined) return entryTermOf(meta.index, entry) === meta.term;
    if (snapshot === undefined) return false;
    const current = decodeSnapshotMeta(snapshot);
    return current.index === meta.index && current.term === meta.term;
  }

  async close(): Promise<void> {
    await this.#writes;
    await Promise.all([...this.#outgoing].map((file) => file.release()));
    await this.#staging.close();
    await this.engine.close();
  }
}
