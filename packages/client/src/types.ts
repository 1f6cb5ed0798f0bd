/**
 * How fresh a read must be. `'linearizable'` (the default) sees every write acknowledged before
 * it began; `{ maxStalenessMs }` may be served by a follower that heard from its leader within
 * that bound; `'stale'` is whatever the node that answers has applied.
 */
export type ReadConsistency = 'linearizable' | 'stale' | { readonly maxStalenessMs: number };

/** A stored key with its revisions, in etcd's sense. */
export interface KeyValue {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
  /** The revision of the write that created the key (since it last did not exist). */
  readonly createRevision: number;
  /** The revision of the key's last write: what `ifRevision` compares against. */
  readonly modRevision: number;
  /** Writes to the key since it was created; 1 after the first. */
  readonly version: number;
}

export interface PutResult {
  /** The shard's revision after this write. */
  readonly revision: number;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

export interface DeleteResult {
  /** False when there was no such key (and nothing changed). */
  readonly deleted: boolean;
  readonly revision: number;
}

/** `cas`'s answer: a failed compare is an ordinary outcome here, not an error. */
export type CasResult =
  | ({ readonly succeeded: true } & PutResult)
  | { readonly succeeded: false; /** 0 when the key did not exist. */ readonly currentRevision: number };

export interface ScanResult {
  /** Sorted by key, across every shard. */
  readonly items: readonly KeyValue[];
  /** True when `limit` cut the answer short. */
  readonly more: boolean;
}

export type RaftRole = 'follower' | 'pre_candidate' | 'candidate' | 'leader';

/** One Raft group (shard) as one node sees it. */
export interface GroupStatus {
  readonly group: number;
  /** The shard's slice [start, end) of the 64-bit key hash space. */
  readonly range: { readonly start: bigint; readonly end: bigint };
  readonly role: RaftRole;
  readonly term: number;
  /** The leader's node id; 0 when none is known. */
  readonly leader: number;
  readonly commitIndex: number;
  readonly appliedIndex: number;
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  readonly quiesced: boolean;
  readonly voters: readonly number[];
  readonly learners: readonly number[];
}

export interface NodeStatus {
  readonly node: number;
  readonly groups: readonly GroupStatus[];
}

/** One endpoint's answer to a status or health question, or why it gave none. */
export type EndpointReport<T> =
  | { readonly endpoint: string; readonly ok: true; readonly value: T; readonly tookMs: number }
  | { readonly endpoint: string; readonly ok: false; readonly error: Error; readonly tookMs: number };

export interface Health {
  /** Every shard on the node knows a leader and the node is not shutting down. */
  readonly healthy: boolean;
  /** Why not, when the node said. */
  readonly reason?: string;
}
