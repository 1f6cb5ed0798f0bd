// An in-memory KvEngine: one sorted array, replaced (copy-on-write) by every write, so a
// snapshot is simply the array of the moment. Made for tests and the simulator, not for volume.
import { compareBytes } from './bytes.js';
import type { KvEngine, KvEntry, KvOp, KvReader, KvSnapshot } from './engine.js';
import type { KeyRange } from './keys.js';
import { SyncGate } from './sync-gate.js';

/**
 * What survives a restart: hand the same disk to a new engine. Reads see every write at once,
 * as from a page cache; a synced write makes itself and everything before it durable when its
 * sync lands, and a power loss (`loseVolatile`) keeps only what is durable.
 */
export class MemoryDisk {
  #live: readonly KvEntry[] = [];
  #durable: readonly KvEntry[] = [];
  #generation = 0;

  constructor(private readonly syncs: SyncGate = new SyncGate()) {}

  get entries(): readonly KvEntry[] {
    return this.#live;
  }

  /** Bumped by every power loss: an engine from before it belongs to a dead process. */
  get generation(): number {
    return this.#generation;
  }

  write(ops: readonly KvOp[], sync: boolean): Promise<void> {
    this.#live = applyOps(this.#live, ops);
    if (!sync) return Promise.resolve();
    const covered = this.#live;
    // Syncs land in the order they were asked for (SyncGate), so a later one never lands first.
    return this.syncs.request(() => {
      this.#durable = covered;
    });
  }

  loseVolatile(): void {
    this.#live = this.#durable;
    this.#generation++;
  }
}

function lowerBound(entries: readonly KvEntry[], key: Uint8Array): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareBytes((entries[mid] as KvEntry)[0], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function applyOps(entries: readonly KvEntry[], ops: readonly KvOp[]): KvEntry[] {
  const next = entries.slice();
  for (const op of ops) {
    const at = lowerBound(next, op.key);
    const found = at < next.length && compareBytes((next[at] as KvEntry)[0], op.key) === 0;
    if (op.type === 'put') {
      // Copies, so a caller reusing its buffers cannot reach into the "disk".
      next.splice(at, found ? 1 : 0, [op.key.slice(), op.value.slice()]);
    } else if (found) {
      next.splice(at, 1);
    }
  }
  return next;
}

class ArrayReader implements KvReader {
  constructor(private readonly current: () => readonly KvEntry[]) {}

  async get(key: Uint8Array): Promise<Uint8Array | undefined> {
    const entries = this.current();
    const at = lowerBound(entries, key);
    const entry = entries[at];
    return entry !== undefined && compareBytes(entry[0], key) === 0 ? entry[1] : undefined;
  }

  async getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  async *entries(range: KeyRange, limit = Infinity): AsyncIterable<KvEntry> {
    // Pinning the array makes one scan a consistent view even while writes land.
    const entries = this.current();
    let count = 0;
    for (let at = lowerBound(entries, range.gte); at < entries.length && count < limit; at++, count++) {
      const entry = entries[at] as KvEntry;
      if (compareBytes(entry[0], range.lt) >= 0) return;
      yield entry;
    }
  }

  async *keys(range: KeyRange, limit?: number): AsyncIterable<Uint8Array> {
    for await (const [key] of this.entries(range, limit)) yield key;
  }
}

export class MemoryEngine extends ArrayReader implements KvEngine {
  #closed = false;
  readonly #generation: number;

  constructor(private readonly disk: MemoryDisk) {
    super(() => {
      this.#checkOpen();
      return disk.entries;
    });
    this.#generation = disk.generation;
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('memory engine is closed');
    if (this.#generation !== this.disk.generation) throw new Error('memory engine outlived a power loss of its disk');
  }

  write(ops: readonly KvOp[], options: { sync: boolean }): Promise<void> {
    try {
      this.#checkOpen();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.disk.write(ops, options.sync);
  }

  snapshot(): KvSnapshot {
    this.#checkOpen();
    const frozen = this.disk.entries;
    const reader = new ArrayReader(() => frozen);
    return Object.assign(reader, { release: async (): Promise<void> => undefined });
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
