import type { DeleteResult, KvCommand, PutResult, ValueRecord } from '@flotilla/kv';
import type { GroupId, NodeId, Role } from '@flotilla/raft';

// The node's face towards its clients: what the HTTP server (apps/server) calls. The host
// implements it; the server knows nothing of Raft groups beyond what this says.

export type ReadConsistency =
  | { readonly kind: 'linearizable' }
  | { readonly kind: 'bounded'; readonly maxStalenessMs: number }
  | { readonly kind: 'stale' };

/** A key's value and its revisions, as the state machine stores them. */
export interface KeyValue extends ValueRecord {
  readonly key: Uint8Array;
}

/** The command a client's write becomes, defined by the state machine that applies it. */
export type { KvCommand };

/** The state machine's own results for a success; a failed compare names the command's op. */
export type KvResult =
  | PutResult
  | DeleteResult
  | { readonly op: KvCommand['op']; readonly succeeded: false; readonly currentRevision: number };

/** Where a committed command landed. */
export interface Committed {
  readonly group: GroupId;
  readonly logIndex: number;
  readonly term: number;
  readonly result: KvResult;
}

export interface ScanResult {
  readonly items: readonly KeyValue[];
  /** True when `limit` cut the answer short. */
  readonly more: boolean;
}

export interface GroupStatus {
  readonly group: GroupId;
  readonly range: { readonly start: string; readonly end: string };
  readonly role: Role;
  readonly term: number;
  readonly leader: NodeId;
  readonly commitIndex: number;
  /** Applied and written: what a read here sees. */
  readonly appliedIndex: number;
  /** The log held here: [firstIndex, lastIndex]; entries below were compacted into the snapshot. */
  readonly firstIndex: number;
  readonly lastIndex: number;
  readonly snapshotIndex: number;
  /** Since this process started: snapshot files written to send to a follower. */
  readonly snapshotsTaken: number;
  /** Since this process started: log compactions at the threshold. */
  readonly compactions: number;
  readonly snapshotsInstalled: number;
  /** Idle: not ticking, no heartbeats, until traffic or a peer's silence wakes it. */
  readonly quiesced: boolean;
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
}

export interface NodeStatus {
  readonly node: NodeId;
  readonly groups: readonly GroupStatus[];
}

export const SERVICE_ERROR_CODES = [
  'not_leader',
  'no_leader',
  'overloaded',
  'timeout',
  'unknown_outcome',
  'shutting_down',
  'invalid_request',
  /** The request alone is larger than the node ever admits at once: retrying cannot help. */
  'too_large',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

/**
 * Errors a client can cause or must retry; the server maps each code to a status.
 * `not_leader` carries the leader's client URL when one is known.
 */
export class ServiceError extends Error {
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly details: { readonly leaderUrl?: string; readonly retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

export interface KvService {
  /** Routes to the shard's leader (forwarding over the transport when it is elsewhere). */
  execute(command: KvCommand): Promise<Committed>;
  /** Like `execute`, but only where this node leads the key's shard; else `not_leader`. */
  executeHere(command: KvCommand): Promise<Committed>;
  get(key: Uint8Array, consistency: ReadConsistency): Promise<KeyValue | undefined>;
  /** Keys with `prefix`, sorted by key, across every shard. */
  scan(prefix: Uint8Array, limit: number, consistency: ReadConsistency): Promise<ScanResult>;
  status(): NodeStatus;
  /** Every group this node hosts knows a leader and this node is not shutting down. */
  isReady(): boolean;
}
