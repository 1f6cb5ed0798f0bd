import type { KeyHasher } from '@flotilla/kv';
import { findRange, type HashRange } from '@flotilla/storage';
import type { Replica } from './replica.js';

interface RoutedRange extends HashRange {
  readonly replica: Replica;
}

/** Maps a key to the local replica of the shard whose hash range holds it. */
export class ShardRouter {
  private readonly ranges: readonly RoutedRange[];

  constructor(
    private readonly hasher: KeyHasher,
    replicas: Iterable<Replica>,
  ) {
    this.ranges = [...replicas]
      .map((replica) => ({ start: replica.range.start, end: replica.range.end, replica }))
      .sort((a, b) => (a.start < b.start ? -1 : 1));
  }

  hash(key: Uint8Array): bigint {
    return this.hasher.hash(key);
  }

  replicaFor(hash: bigint): Replica {
    const routed = findRange(this.ranges, hash);
    // Every node hosts every shard until placement moves replicas; a gap is a broken map.
    if (routed === undefined) throw new Error(`no local shard owns hash ${hash}`);
    return routed.replica;
  }

  get all(): readonly Replica[] {
    return this.ranges.map((routed) => routed.replica);
  }
}
