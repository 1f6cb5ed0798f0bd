import xxhash from 'xxhash-wasm';
import { hashTagBytes } from './hash-tag.js';

/** Maps a key to its place in the xxh64 space [0, 2^64). */
export interface KeyHasher {
  hash(key: Uint8Array): bigint;
}

/** Instantiates the xxh64 WebAssembly module; do it once per process and share the hasher. */
export async function createKeyHasher(): Promise<KeyHasher> {
  const { h64Raw } = await xxhash();
  return { hash: (key) => h64Raw(hashTagBytes(key), 0n) };
}
