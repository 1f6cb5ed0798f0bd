// The vocabulary of the Raft core: ids, log entries, messages, durable state and the Ready
// contract between the core and its host. Everything here is plain data, so a host can
// encode it with CBOR and the simulator can copy, drop, duplicate and reorder it freely.

declare const nodeIdBrand: unique symbol;
declare const groupIdBrand: unique symbol;

/** A node of the cluster (one process). A group's replicas are named by their node's id. */
export type NodeId = number & { readonly [nodeIdBrand]: true };
/** A Raft group (one shard, or the placement driver). */
export type GroupId = number & { readonly [groupIdBrand]: true };

export const nodeId = (value: number): NodeId => value as NodeId;
export const groupId = (value: number): GroupId => value as GroupId;

/** "No node": the vote of a replica that has not voted, the leader of a group without one. */
export const NO_NODE = 0 as NodeId;

export const EntryType = {
  /** Opaque data for the state machine. */
  COMMAND: 1,
  /** A membership change, carried in `change`. */
  CONFIGURATION: 2,
  /** Appended by every new leader so that it can commit entries of earlier terms. */
  NO_OP: 3,
} as const;
export type EntryType = (typeof EntryType)[keyof typeof EntryType];

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly type: EntryType;
  /** COMMAND: the state machine's bytes. Empty for NO_OP and CONFIGURATION. */
  readonly data: Uint8Array;
  /** CONFIGURATION only. */
  readonly change?: ConfChange;
}

/** What a replica must persist before it answers any message that depends on it. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/**
 * A group's membership. In a joint configuration `votersOutgoing` is non-empty and every
 * election and every commit needs a majority of `voters` AND a majority of `votersOutgoing`.
 */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly votersOutgoing: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Learners that become voters when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[];
}

export const ConfChangeKind = {
  ADD_VOTER: 1,
  REMOVE_NODE: 2,
  ADD_LEARNER: 3,
} as const;
export type ConfChangeKind = (typeof ConfChangeKind)[keyof typeof ConfChangeKind];

export interface ConfChangeSingle {
  readonly kind: ConfChangeKind;
  readonly node: NodeId;
}

/**
 * A membership change. A change with `changes` enters the joint configuration C-old,new;
 * `leaveJoint: true` (no `changes`) leaves it for C-new. The leader proposes the leave entry
 * itself once the joint entry is applied.
 */
export interface ConfChange {
  readonly changes: readonly ConfChangeSingle[];
  readonly leaveJoint?: boolean;
}

export interface SnapshotMeta {
  /** Last index the snapshot covers. */
  readonly index: number;
  /** Term of the entry at `index`. */
  readonly term: number;
  /** The configuration as of `index`. */
  readonly conf: ConfState;
}

/** One piece of a snapshot in flight, as a follower receives it. */
export interface SnapshotChunk {
  readonly meta: SnapshotMeta;
  readonly offset: number;
  readonly data: Uint8Array;
  readonly done: boolean;
}

export const MessageType = {
  /** Local: start an election (pre-vote first when enabled). */
  HUP: 1,
  /** Local: leader sends heartbeats now. */
  BEAT: 2,
  /** A proposal forwarded from a follower to its leader. */
  PROP: 3,
  APP: 4,
  APP_RESP: 5,
  VOTE: 6,
  VOTE_RESP: 7,
  PRE_VOTE: 8,
  PRE_VOTE_RESP: 9,
  /** One chunk of an InstallSnapshot. */
  SNAP: 10,
  /** A follower's acknowledgement of a snapshot chunk (or its refusal). */
  SNAP_RESP: 11,
  HEARTBEAT: 12,
  HEARTBEAT_RESP: 13,
  /** Local: the host could not reach `from`. */
  UNREACHABLE: 14,
  /** Local: leader checks that a quorum was recently active. */
  CHECK_QUORUM: 15,
  TRANSFER_LEADER: 16,
  TIMEOUT_NOW: 17,
  READ_INDEX: 18,
  READ_INDEX_RESP: 19,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/**
 * One message between replicas of one group. Fields not used by a type are absent.
 * `term` 0 marks a local message.
 */
export interface Message {
  readonly type: MessageType;
  readonly group: GroupId;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
  /** APP: index of the entry before `entries`; APP_RESP: the index acknowledged or rejected. */
  readonly index?: number;
  /** APP: term of the entry at `index`. */
  readonly logTerm?: number;
  readonly entries?: readonly Entry[];
  /**
   * APP / HEARTBEAT: the commit index a follower may adopt. APP: the leader's own commit index
   * (the follower caps it by what it holds). HEARTBEAT: capped by the follower's match.
   */
  readonly commit?: number;
  /**
   * HEARTBEAT: the leader's own commit index at sending, uncapped. A follower commits by it only
   * entries this term's leader showed it shares (`LeaderLogKnowledge`); the host also uses it to
   * bound the staleness of follower reads. APP leaves it out: its `commit` already is the
   * leader's uncapped commit index.
   */
  readonly leaderCommit?: number;
  /** APP_RESP / VOTE_RESP / PRE_VOTE_RESP / SNAP_RESP: refused. */
  readonly reject?: boolean;
  /**
   * APP_RESP with reject: the follower's hint, the index of its last entry whose term is at most
   * `logTerm` (the conflict-term hint), with `hintTerm` the term there.
   */
  readonly rejectHint?: number;
  readonly hintTerm?: number;
  /** SNAP: the chunk. SNAP_RESP: `index` is the snapshot's index, `offset` the next byte wanted. */
  readonly snapshot?: SnapshotChunk;
  readonly offset?: number;
  /** READ_INDEX / READ_INDEX_RESP / HEARTBEAT / HEARTBEAT_RESP: the read request's context. */
  readonly context?: Uint8Array;
  /** VOTE / PRE_VOTE: set by leader transfer, so that the vote ignores the leader lease. */
  readonly transfer?: boolean;
}

export const Role = {
  FOLLOWER: 1,
  PRE_CANDIDATE: 2,
  CANDIDATE: 3,
  LEADER: 4,
} as const;
export type Role = (typeof Role)[keyof typeof Role];

/** Volatile state, reported when it changes; nothing needs to persist it. */
export interface SoftState {
  readonly leader: NodeId;
  readonly role: Role;
}

/** A ReadIndex answer: once `index` is applied, a read for `context` is linearizable. */
export interface ReadState {
  readonly index: number;
  readonly context: Uint8Array;
}

/**
 * The batch of work the core hands its host. Contract, in order:
 * 1. persist `hardState`, `entries` (replacing any stored entries from the first one's index on),
 *    and `snapshotChunks` / `snapshot`, all durably (one synced write);
 * 2. only then send `messages` (they may vote, acknowledge or promise on the basis of step 1);
 * 3. apply `committedEntries` in order (they are durable already: they may be applied before
 *    step 1 finishes only on the leader, never on a follower; hosts here simply apply after it);
 * 4. call `advance(ready)`.
 * `messagesBeforeSync` may leave before step 1: they promise nothing about local state
 * (the leader's appends to followers, heartbeats).
 */
export interface Ready {
  readonly softState?: SoftState;
  readonly hardState?: HardState;
  readonly entries: readonly Entry[];
  /** Chunks of a snapshot being received, to stage durably in arrival order. */
  readonly snapshotChunks: readonly SnapshotChunk[];
  /** A fully received snapshot: install the staged chunks as the state machine's state. */
  readonly snapshot?: SnapshotMeta;
  readonly committedEntries: readonly Entry[];
  readonly messagesBeforeSync: readonly Message[];
  readonly messages: readonly Message[];
  readonly readStates: readonly ReadState[];
  /**
   * The host must sync its write of this Ready before sending `messages` (etcd's MustSync): a
   * new term or vote, new entries, snapshot data, or a committed configuration change (its
   * commit index must survive a restart, since a configuration takes effect when applied). A
   * commit index alone needs no sync: a restart derives it again from the leader.
   */
  readonly mustSync: boolean;
}

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

/** A seeded source of randomness; the core never uses Math.random. */
export interface Random {
  /** A uniform integer in [0, bound). */
  int(bound: number): number;
}
