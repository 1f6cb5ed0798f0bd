// The ordered key-value engine under a node store: LevelDB in production, a sorted array in
// host unit tests. Both order keys bytewise, so everything above them behaves identically.
import type { KeyRange } from './keys.js';

export type KvOp =
  | { readonly type: 'put'; readonly key: Uint8Array; readonly value: Uint8Array }
  | { readonly type: 'del'; readonly key: Uint8Array };

export type KvEntry = readonly [key: Uint8Array, value: Uint8Array];

export interface KvReader {
  get(key: Uint8Array): Promise<Uint8Array | undefined>;
  getMany(keys: readonly Uint8Array[]): Promise<(Uint8Array | undefined)[]>;
  /** Entries of the range in key order. */
  entries(range: KeyRange, limit?: number): AsyncIterable<KvEntry>;
  keys(range: KeyRange, limit?: number): AsyncIterable<Uint8Array>;
}

/** A frozen view; reads from it never see later writes. */
export interface KvSnapshot extends KvReader {
  release(): Promise<void>;
}

export interface KvEngine extends KvReader {
  /** Applies the operations atomically and in order. */
  write(ops: readonly KvOp[], options: { sync: boolean }): Promise<void>;
  /** Taken synchronously, at the moment of the call. */
  snapshot(): KvSnapshot;
  close(): Promise<void>;
}
