// Every error the core throws carries a `code`, so hosts can map it to a client answer
// without matching on messages.

/** `LogStorage`: the requested index lies below the first index (it was compacted). */
export class CompactedError extends Error {
  readonly code = 'compacted';
  constructor(readonly index: number) {
    super(`index ${index} is compacted`);
    this.name = 'CompactedError';
  }
}

/** `LogStorage`: the requested index lies beyond the last index. */
export class UnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(readonly index: number) {
    super(`index ${index} is not available`);
    this.name = 'UnavailableError';
  }
}

/** `LogStorage`: the host is still preparing a snapshot; the leader retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  readonly code = 'snapshot-temporarily-unavailable';
  constructor() {
    super('snapshot is temporarily unavailable');
    this.name = 'SnapshotTemporarilyUnavailableError';
  }
}

export type ProposalDroppedReason =
  /** No leader is known to forward the proposal to. */
  | 'no-leader'
  /** The leader's uncommitted tail exceeds `maxUncommittedEntriesBytes`. */
  | 'uncommitted-limit'
  /** The leader is handing leadership over. */
  | 'transfer-in-progress'
  /** One entry larger than `maxMessageBytes`. */
  | 'too-large';

export class ProposalDroppedError extends Error {
  readonly code = 'proposal-dropped';
  constructor(readonly reason: ProposalDroppedReason) {
    super(`proposal dropped: ${reason}`);
    this.name = 'ProposalDroppedError';
  }
}

export type ConfChangeErrorCode =
  /** Another change is proposed but not applied yet, or the group is in a joint configuration. */
  | 'conf-change-pending'
  /** The change does not fit the current configuration. */
  | 'invalid-conf-change';

export class ConfChangeError extends Error {
  constructor(readonly code: ConfChangeErrorCode, message: string) {
    super(message);
    this.name = 'ConfChangeError';
  }
}

/** An operation only a leader can perform; `leader` is the known leader or NO_NODE. */
export class NotLeaderError extends Error {
  readonly code = 'not-leader';
  constructor(readonly leader: number) {
    super(leader === 0 ? 'not the leader, no leader known' : `not the leader, leader is ${leader}`);
    this.name = 'NotLeaderError';
  }
}

export type ReadIndexDroppedReason = 'no-leader' | 'queue-full';

/** A ReadIndex request that cannot be served now; the caller retries. */
export class ReadIndexDroppedError extends Error {
  readonly code = 'read-index-dropped';
  constructor(readonly reason: ReadIndexDroppedReason) {
    super(`read index dropped: ${reason}`);
    this.name = 'ReadIndexDroppedError';
  }
}

/** Bad local use of the core: a malformed message, a wrong argument, a misordered call. */
export class InvalidRequestError extends Error {
  readonly code = 'invalid-request';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequestError';
  }
}

/** A broken invariant: the state can no longer be trusted, so it is never caught inside the core. */
export class RaftInvariantError extends Error {
  readonly code = 'invariant';
  constructor(message: string) {
    super(message);
    this.name = 'RaftInvariantError';
  }
}
