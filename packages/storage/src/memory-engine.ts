// An in-memory KvEngine: one sorted array, replaced (copy-on-write) by every write, so a
// snapshot is simply the array of the moment. Made for unit tests, not for volume.
import { compareBytes } from './bytes.js';
import type { KvEngine, KvEntry, KvOp, KvReader, KvSnapshot } from './engine.js';
import type { KeyRange } from './keys.js';

/** What survives a simulated restart: hand the same disk to a new engine. */
export class MemoryDisk {
  entries: readonly KvEntry[] = [];
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

  constructor(private readonly disk: MemoryDisk) {
    super(() => {
      this.#checkOpen();
      return disk.entries;
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('memory engine is closed');
  }

  async write(ops: readonly KvOp[], _options: { sync: boolean }): Promise<void> {
    this.#checkOpen();
    this.disk.entries = applyOps(this.disk.entries, ops);
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
