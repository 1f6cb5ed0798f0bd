/**
 * A shard's version, as TiKV's region epoch: `confVersion` moves with every membership change,
 * `rangeVersion` with every split or merge. A request routed with an epoch the replica does not
 * have is refused, and the sender refreshes its map.
 */
export interface ShardEpoch {
  readonly confVersion: number;
  readonly rangeVersion: number;
}

export const INITIAL_EPOCH: ShardEpoch = { confVersion: 1, rangeVersion: 1 };

export const sameEpoch = (a: ShardEpoch, b: ShardEpoch): boolean => a.confVersion === b.confVersion && a.rangeVersion === b.rangeVersion;

/**
 * Whether a report with epoch `reported` may replace what is stored: neither version may go
 * back. Equal epochs are accepted too (a repeated report changes nothing).
 */
export const isNotOlder = (reported: ShardEpoch, stored: ShardEpoch): boolean =>
  reported.confVersion >= stored.confVersion && reported.rangeVersion >= stored.rangeVersion;
