import type { Mutation } from '../apply-result.js';
import type { StoredRecord } from '../state-machine.js';

/**
 * The host's user-data keyspace in miniature: applies mutations under (hash, key) and scans in
 * the order LevelDB would (hash, then key bytes), so restore is fed what a real host feeds it.
 */
export class MemoryRecordStore {
  readonly #entries = new Map<string, { hash: bigint; key: Uint8Array; record: Uint8Array }>();

  write(mutations: readonly Mutation[]): void {
    for (const mutation of mutations) {
      const id = `${mutation.hash}/${Buffer.from(mutation.key).toString('hex')}`;
      if (mutation.kind === 'put') this.#entries.set(id, { hash: mutation.hash, key: mutation.key.slice(), record: mutation.record });
      else this.#entries.delete(id);
    }
  }

  get(key: Uint8Array): Uint8Array | undefined {
    return [...this.#entries.values()].find((entry) => Buffer.compare(entry.key, key) === 0)?.record;
  }

  scan(): StoredRecord[] {
    return [...this.#entries.values()]
      .sort((a, b) => (a.hash === b.hash ? Buffer.compare(a.key, b.key) : a.hash < b.hash ? -1 : 1))
      .map(({ key, record }) => ({ key, record }));
  }
}
