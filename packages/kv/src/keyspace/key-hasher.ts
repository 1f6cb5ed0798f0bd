import xxhash from 'xxhash-wasm';
import { hashTagBytes } from './hash-tag.js';

/** Maps a key to its place in the xxh64 space [0, 2^64). */
export interface KeyHasher {
  hash(key: Uint8Array): bigint;
}

let shared: Promise<KeyHasher> | undefined;

/**
 * The process's one hasher: the xxh64 WebAssembly module is instantiated at the first call.
 * Later calls resolve in a microtask, so a simulator that starts nodes replays exactly.
 */
export function createKeyHasher(): Promise<KeyHasher> {
  shared ??= xxhash().then(({ h64Raw }) => ({ hash: (key: Uint8Array) => h64Raw(hashTagBytes(key), 0n) }));
  return shared;
}
