import { InvalidRequestError } from './errors.js';
import type { LogStorage } from './storage.js';
import type { GroupId, Logger, NodeId, Random } from './types.js';

export interface RaftConfig {
  readonly id: NodeId;
  readonly group: GroupId;
  readonly storage: LogStorage;
  readonly random: Random;
  /** Base election timeout; each term draws the real one from [T, 2T). Default 10. */
  readonly electionTimeoutTicks?: number;
  /** Default 2. Must be below the election timeout. */
  readonly heartbeatIntervalTicks?: number;
  /** Default true. */
  readonly preVote?: boolean;
  /** Default true. */
  readonly checkQuorum?: boolean;
  /** Pipelined appends per follower. Default 256. */
  readonly maxInflightMessages?: number;
  /** Unacknowledged append bytes per follower. Default 16 MiB. */
  readonly maxInflightBytes?: number;
  /** Entry bytes in one APP (one entry may exceed it); also the largest proposal. Default 1 MiB. */
  readonly maxMessageBytes?: number;
  /** Payload bytes the leader accepts beyond its commit index. Default 64 MiB. */
  readonly maxUncommittedEntriesBytes?: number;
  /** Committed entry bytes handed out in one Ready (at least one entry). Default 16 MiB. */
  readonly maxCommittedBytesPerReady?: number;
  /** Default 1 MiB. */
  readonly snapshotChunkBytes?: number;
  /** ReadIndex requests a leader queues. Default 4096. */
  readonly maxPendingReadIndexRequests?: number;
  /** Index already applied to the state machine at restart. Default: the storage's snapshot index. */
  readonly applied?: number;
  readonly logger?: Logger;
}

export type ResolvedRaftConfig = Required<Omit<RaftConfig, 'applied'>> & { readonly applied: number | undefined };

const MIB = 1_048_576;

const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};

const positiveInteger = (name: string, value: number): number => {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new InvalidRequestError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
};

export const resolveRaftConfig = (config: RaftConfig): ResolvedRaftConfig => {
  positiveInteger('id', config.id);
  const resolved: ResolvedRaftConfig = {
    id: config.id,
    group: config.group,
    storage: config.storage,
    random: config.random,
    electionTimeoutTicks: positiveInteger('electionTimeoutTicks', config.electionTimeoutTicks ?? 10),
    heartbeatIntervalTicks: positiveInteger('heartbeatIntervalTicks', config.heartbeatIntervalTicks ?? 2),
    preVote: config.preVote ?? true,
    checkQuorum: config.checkQuorum ?? true,
    maxInflightMessages: positiveInteger('maxInflightMessages', config.maxInflightMessages ?? 256),
    maxInflightBytes: positiveInteger('maxInflightBytes', config.maxInflightBytes ?? 16 * MIB),
    maxMessageBytes: positiveInteger('maxMessageBytes', config.maxMessageBytes ?? MIB),
    maxUncommittedEntriesBytes: positiveInteger('maxUncommittedEntriesBytes', config.maxUncommittedEntriesBytes ?? 64 * MIB),
    maxCommittedBytesPerReady: positiveInteger('maxCommittedBytesPerReady', config.maxCommittedBytesPerReady ?? 16 * MIB),
    snapshotChunkBytes: positiveInteger('snapshotChunkBytes', config.snapshotChunkBytes ?? MIB),
    maxPendingReadIndexRequests: positiveInteger('maxPendingReadIndexRequests', config.maxPendingReadIndexRequests ?? 4096),
    applied: config.applied,
    logger: config.logger ?? silentLogger,
  };
  if (resolved.heartbeatIntervalTicks >= resolved.electionTimeoutTicks) {
    throw new InvalidRequestError('heartbeatIntervalTicks must be below electionTimeoutTicks');
  }
  if (config.applied !== undefined && (!Number.isSafeInteger(config.applied) || config.applied < 0)) {
    throw new InvalidRequestError(`applied must be a non-negative integer, got ${config.applied}`);
  }
  return resolved;
};
