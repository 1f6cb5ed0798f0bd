import { limitEntries } from './entry-size.js';
import { CompactedError, InvalidRequestError, UnavailableError } from './errors.js';
import type { LogStorage } from './storage.js';
import type { ConfState, Entry, HardState, SnapshotMeta } from './types.js';
import { NO_NODE } from './types.js';

const EMPTY_CONF: ConfState = { voters: [], votersOutgoing: [], learners: [], learnersNext: [] };

/**
 * A bootstrapped group starts from a snapshot at this index and term holding its first
 * configuration. A replica created later to join the group starts empty (index 0), so the
 * leader finds its log "compacted" and sends a snapshot, which carries the configuration it
 * could not otherwise know.
 */
export const BOOTSTRAP_INDEX = 1;
export const BOOTSTRAP_TERM = 1;

/**
 * A `LogStorage` held in memory: the simulator's durable state, and a host's cache of what it
 * has written to disk. The host feeds it each Ready (`append`, `setHardState`, `applySnapshot`)
 * once that Ready is durable, and compacts it after taking snapshots.
 */
export class MemoryLogStorage implements LogStorage {
  private hardState: HardState;
  /** The entry just before `entries[0]`: the compaction point. */
  private baseIndex: number;
  private baseTerm: number;
  private entryList: Entry[] = [];
  private snapshotMeta: SnapshotMeta;
  private snapshotData: Uint8Array = new Uint8Array(0);

  /**
   * With `bootstrap`, a founding replica of a new group with that membership (see
   * BOOTSTRAP_INDEX); without, an empty replica about to join an existing group.
   */
  constructor(bootstrap?: ConfState) {
    const index = bootstrap === undefined ? 0 : BOOTSTRAP_INDEX;
    const term = bootstrap === undefined ? 0 : BOOTSTRAP_TERM;
    this.snapshotMeta = { index, term, conf: bootstrap ?? EMPTY_CONF };
    this.baseIndex = index;
    this.baseTerm = term;
    this.hardState = { term, vote: NO_NODE, commit: index };
  }

  /** The configuration returned is the snapshot's: the core replays later configuration entries itself. */
  initialState(): { hardState: HardState; conf: ConfState } {
    return { hardState: this.hardState, conf: this.snapshotMeta.conf };
  }

  entries(lo: number, hi: number, maxBytes: number): Entry[] {
    if (lo <= this.baseIndex) throw new CompactedError(lo);
    if (hi > this.lastIndex() + 1) throw new UnavailableError(hi - 1);
    if (lo >= hi) return [];
    const offset = this.baseIndex + 1;
    return limitEntries(this.entryList.slice(lo - offset, hi - offset), maxBytes);
  }

  term(index: number): number {
    if (index < this.baseIndex) throw new CompactedError(index);
    if (index === this.baseIndex) return this.baseTerm;
    const entry = this.entryList[index - this.baseIndex - 1];
    if (entry === undefined) throw new UnavailableError(index);
    return entry.term;
  }

  firstIndex(): number {
    return this.baseIndex + 1;
  }

  lastIndex(): number {
    return this.baseIndex + this.entryList.length;
  }

  snapshot(): SnapshotMeta {
    return this.snapshotMeta;
  }

  snapshotChunk(meta: SnapshotMeta, offset: number, maxBytes: number): { data: Uint8Array; done: boolean } {
    if (meta.index !== this.snapshotMeta.index || meta.term !== this.snapshotMeta.term) {
      throw new InvalidRequestError(`snapshot ${meta.index} is no longer held (now ${this.snapshotMeta.index})`);
    }
    if (!Number.isInteger(offset) || offset < 0 || offset > this.snapshotData.byteLength || maxBytes < 1) {
      throw new InvalidRequestError(`bad snapshot chunk request: offset ${offset}, maxBytes ${maxBytes}`);
    }
    const end = Math.min(offset + maxBytes, this.snapshotData.byteLength);
    return { data: this.snapshotData.subarray(offset, end), done: end === this.snapshotData.byteLength };
  }

  setHardState(hardState: HardState): void {
    this.hardState = hardState;
  }

  /**
   * Appends entries, replacing any stored entries from the first new index on (a new leader
   * overwrote them). Entries already compacted are skipped; a gap is a host bug.
   */
  append(entries: readonly Entry[]): void {
    const fresh = entries.filter((entry) => entry.index > this.baseIndex);
    const head = fresh[0];
    if (head === undefined) return;
    if (head.index > this.lastIndex() + 1) {
      throw new InvalidRequestError(`append at ${head.index} leaves a gap after ${this.lastIndex()}`);
    }
    // In place: copying the whole list per append made every append cost the log's length.
    this.entryList.length = head.index - this.baseIndex - 1;
    for (const entry of fresh) this.entryList.push(entry);
  }

  /** Replaces the whole log with a received snapshot (its bytes become the snapshot served onwards). */
  applySnapshot(meta: SnapshotMeta, data: Uint8Array): void {
    if (meta.index < this.snapshotMeta.index) {
      throw new InvalidRequestError(`snapshot ${meta.index} is older than the stored ${this.snapshotMeta.index}`);
    }
    this.snapshotMeta = meta;
    this.snapshotData = data;
    this.baseIndex = meta.index;
    this.baseTerm = meta.term;
    this.entryList = [];
    if (this.hardState.commit < meta.index) this.hardState = { ...this.hardState, commit: meta.index };
  }

  /** Records a snapshot of the state machine at `index` (applied, hence committed); the log is kept. */
  createSnapshot(index: number, conf: ConfState, data: Uint8Array): SnapshotMeta {
    if (index <= this.snapshotMeta.index) {
      throw new InvalidRequestError(`snapshot at ${index} is not newer than ${this.snapshotMeta.index}`);
    }
    if (index > this.hardState.commit) {
      throw new InvalidRequestError(`snapshot at ${index} is beyond the commit index ${this.hardState.commit}`);
    }
    this.snapshotMeta = { index, term: this.term(index), conf };
    this.snapshotData = data;
    return this.snapshotMeta;
  }

  /**
   * Drops entries up to `index`. Only entries a snapshot covers may go, so that a follower that
   * needs them can be sent the snapshot instead. Compacting an already compacted index is a no-op.
   */
  compact(index: number): void {
    if (index <= this.baseIndex) return;
    if (index > this.snapshotMeta.index) {
      throw new InvalidRequestError(`compact(${index}) beyond the snapshot at ${this.snapshotMeta.index}`);
    }
    this.baseTerm = this.term(index);
    this.entryList = this.entryList.slice(index - this.baseIndex);
    this.baseIndex = index;
  }
}
