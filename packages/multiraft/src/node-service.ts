import { confMembers, NO_NODE } from '@flotilla/raft';
import type { Entry, NodeId } from '@flotilla/raft';
import { decodeCommand, decodeValueRecord, encodeCommand, validateKey, validatePrefix, validateScanLimit } from '@flotilla/kv';
import type { ApplyResult } from '@flotilla/kv';
import type { NodeStore, UserRecord } from '@flotilla/storage';
import type { Transport } from '@flotilla/transport';
import { CallTimeoutError, PeerUnreachableError } from '@flotilla/transport';
import type { MultiRaftHost } from './host.js';
import { sleep } from './node-time.js';
import type { NodeTime } from './node-time.js';
import { decodePeerAnswer, encodePeerMessage, errorFromAnswer } from './peer-rpc.js';
import type { PeerAnswer } from './peer-rpc.js';
import type { Replica } from './replica.js';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';
import type { Committed, KeyValue, KvCommand, KvResult, KvService, NodeStatus, ReadConsistency, ScanResult } from './service.js';
import type { ShardRouter } from './shard-router.js';

export interface NodeServiceOptions {
  readonly host: MultiRaftHost;
  readonly router: ShardRouter;
  readonly store: NodeStore;
  readonly transport: Transport;
  /** Client URLs of the nodes, this one's included; filled in as peers say hello. */
  readonly clientUrls: ReadonlyMap<NodeId, string>;
  readonly requestTimeoutMs: number;
  readonly maxPendingRequests: number;
  readonly maxPendingBytes: number;
  readonly time: NodeTime;
}

/** Waiting for a leader backs off from this to the tick interval. */
const FIRST_RETRY_DELAY_MS = 2;

interface Proposed {
  readonly entry: Entry;
  readonly result: ApplyResult;
}
const OVERLOAD_RETRY_AFTER_MS = 100;
const DRAIN_POLL_MS = 5;

/** The node's KV service: routes each request to its shard, forwarding writes to the leader. */
export class NodeService implements KvService {
  private closing = false;
  private pendingRequests = 0;
  private pendingBytes = 0;

  constructor(private readonly options: NodeServiceOptions) {}

  /** New requests are refused from now on; those in flight finish. */
  stopAccepting(): void {
    this.closing = true;
  }

  /** Resolves once every request in flight has been answered, or at the request timeout. */
  async drained(): Promise<void> {
    const deadline = this.options.time.nowMs() + this.options.requestTimeoutMs;
    while (this.pendingRequests > 0 && this.options.time.nowMs() < deadline) await sleep(this.options.time, DRAIN_POLL_MS);
  }

  async execute(command: KvCommand): Promise<Committed> {
    const encoded = encodeCommand(command);
    return this.admitted(encoded.byteLength, () => this.executeRouted(command, encoded));
  }

  async executeHere(command: KvCommand): Promise<Committed> {
    const encoded = encodeCommand(command);
    return this.admitted(encoded.byteLength, async () => {
      const replica = this.replicaOf(command.key);
      const { entry, result } = await this.proposeOnlyHere(replica, encoded);
      return committed(replica.group, entry, command, result);
    });
  }

  /** A peer forwarded an encoded command, believing this node leads its shard. */
  async executeForwarded(encoded: Uint8Array): Promise<PeerAnswer> {
    const command = decodeCommand(encoded);
    return this.admitted(encoded.byteLength, async () => {
      const replica = this.replicaOf(command.key);
      const { entry, result } = await this.proposeOnlyHere(replica, encoded);
      return { kind: 'executed', group: replica.group, logIndex: entry.index, term: entry.term, result };
    });
  }

  private async proposeOnlyHere(replica: Replica, encoded: Uint8Array): Promise<Proposed> {
    try {
      return await this.proposeHere(replica, encoded, this.deadline());
    } catch (error) {
      if (error instanceof RetryableError) throw this.notLeader(replica);
      throw error;
    }
  }

  async get(key: Uint8Array, consistency: ReadConsistency): Promise<KeyValue | undefined> {
    validateKey(key);
    return this.admitted(key.byteLength, async () => {
      const hash = this.options.router.hash(key);
      const replica = this.options.router.replicaFor(hash);
      await this.readable(replica, consistency, this.deadline());
      const record = await this.options.store.getUserRecord(hash, key);
      return record === undefined ? undefined : keyValue(key, record);
    });
  }

  async scan(prefix: Uint8Array, limit: number, consistency: ReadConsistency): Promise<ScanResult> {
    validateScanLimit(limit);
    validatePrefix(prefix);
    return this.admitted(prefix.byteLength, async () => {
      const deadline = this.deadline();
      const perShard = await Promise.all(
        this.options.router.all.map(async (replica) => {
          await this.readable(replica, consistency, deadline);
          return this.options.store.scanKeyPrefix(prefix, replica.range, limit + 1);
        }),
      );
      const merged = perShard.flat().sort((a, b) => Buffer.compare(a.key, b.key));
      return { items: merged.slice(0, limit).map((record: UserRecord) => keyValue(record.key, record.value)), more: merged.length > limit };
    });
  }

  status(): NodeStatus {
    return {
      node: this.options.host.self,
      groups: this.options.router.all.map((replica) => {
        const status = replica.raft.basicStatus();
        const conf = replica.raft.confState();
        return {
          group: replica.group,
          range: { start: replica.range.start.toString(), end: replica.range.end.toString() },
          role: status.role,
          term: status.term,
          leader: status.leader,
          commitIndex: status.commit,
          appliedIndex: replica.writtenIndex,
          firstIndex: replica.log.firstIndex(),
          lastIndex: status.lastIndex,
          snapshotIndex: replica.log.snapshot().index,
          snapshotsTaken: replica.snapshotsTaken,
          compactions: replica.compactions,
          snapshotsInstalled: replica.snapshotsInstalled,
          quiesced: replica.quiesced,
          voters: conf.voters,
          learners: conf.learners,
        };
      }),
    };
  }

  isReady(): boolean {
    return !this.closing && this.options.router.all.every((replica) => replica.raft.basicStatus().leader !== NO_NODE);
  }

  private deadline(): number {
    return this.options.time.nowMs() + this.options.requestTimeoutMs;
  }

  private replicaOf(key: Uint8Array): Replica {
    return this.options.router.replicaFor(this.options.router.hash(key));
  }

  /** Bounds the work queued on this node; beyond the bounds a client is told to come back. */
  private async admitted<T>(bytes: number, work: () => Promise<T>): Promise<T> {
    if (this.closing) throw new ServiceError('shutting_down', 'the node is shutting down', { retryAfterMs: OVERLOAD_RETRY_AFTER_MS });
    if (bytes > this.options.maxPendingBytes) {
      throw new ServiceError('too_large', `the request's ${bytes} bytes exceed the ${this.options.maxPendingBytes} bytes this node queues at most`);
    }
    if (this.pendingRequests >= this.options.maxPendingRequests || this.pendingBytes + bytes > this.options.maxPendingBytes) {
      throw new ServiceError('overloaded', 'too many requests are waiting on this node', { retryAfterMs: OVERLOAD_RETRY_AFTER_MS });
    }
    this.pendingRequests++;
    this.pendingBytes += bytes;
    try {
      return await work();
    } finally {
      this.pendingRequests--;
      this.pendingBytes -= bytes;
    }
  }

  private notLeader(replica: Replica): ServiceError {
    const status = replica.raft.basicStatus();
    // A leader handing its group over refuses writes until the transfer ends: point at the successor.
    const leader = status.leader === this.options.host.self && status.leadTransferee !== NO_NODE ? status.leadTransferee : status.leader;
    const leaderUrl = leader === NO_NODE ? undefined : this.options.clientUrls.get(leader);
    if (leaderUrl === undefined) {
      return new ServiceError('no_leader', `group ${replica.group} has no known leader`, { retryAfterMs: this.options.host.electionTimeoutMs });
    }
    return new ServiceError('not_leader', `node ${leader} leads group ${replica.group}`, { leaderUrl });
  }

  /**
   * Proposes on the leader, wherever it is. Retries only what certainly did not apply (no
   * leader yet, not the leader any more, a proposal overwritten) until the deadline.
   */
  private async executeRouted(command: KvCommand, encoded: Uint8Array): Promise<Committed> {
    const replica = this.replicaOf(command.key);
    const deadline = this.deadline();
    for (let delayMs = FIRST_RETRY_DELAY_MS; ; delayMs = Math.min(delayMs * 2, this.options.host.electionTimeoutMs / 4)) {
      const leader = replica.raft.basicStatus().leader;
      try {
        if (leader === this.options.host.self) {
          const { entry, result } = await this.proposeHere(replica, encoded, deadline);
          return committed(replica.group, entry, command, result);
        }
        if (leader !== NO_NODE) return await this.forward(leader, encoded, command, deadline);
      } catch (error) {
        if (!isRetryable(error)) throw error;
      }
      // Nothing was proposed or read yet: a closing node says so rather than wait for a leader.
      if (this.closing) throw new ServiceError('shutting_down', 'the node is shutting down', { retryAfterMs: OVERLOAD_RETRY_AFTER_MS });
      const remainingMs = deadline - this.options.time.nowMs();
      // A replica its group removed learns of no new leader: the client asks another node at once.
      if (remainingMs <= 0 || notMember(replica, this.options.host.self)) throw this.notLeader(replica);
      await sleep(this.options.time, Math.min(delayMs, remainingMs));
    }
  }

  private proposeHere(replica: Replica, encoded: Uint8Array, deadline: number): Promise<Proposed> {
    return withDeadline(
      this.options.time,
      this.options.host.propose(replica, encoded),
      deadline - this.options.time.nowMs(),
      () => new ServiceError('timeout', 'the write did not commit in time; it may still commit'),
    );
  }

  private async forward(leader: NodeId, encoded: Uint8Array, command: KvCommand, deadline: number): Promise<Committed> {
    const timeoutMs = Math.max(1, deadline - this.options.time.nowMs());
    let reply: Uint8Array;
    try {
      reply = await this.options.transport.call(leader, encodePeerMessage({ kind: 'execute', command: encoded }), timeoutMs);
    } catch (error) {
      // Nothing left this node: the leader is down or unreachable, so waiting for the next one is safe.
      if (error instanceof PeerUnreachableError && !error.mayHaveArrived) {
        throw new RetryableError('not_leader', `the leader (node ${leader}) is unreachable`);
      }
      const code = error instanceof CallTimeoutError ? 'timeout' : 'unknown_outcome';
      throw new ServiceError(code, `forwarding to the leader (node ${leader}) failed: ${(error as Error).message}`);
    }
    const answer = decodePeerAnswer(reply);
    if (answer.kind === 'error') throw errorFromAnswer(answer);
    if (answer.kind !== 'executed') throw new Error(`node ${leader} answered an execute with ${answer.kind}`);
    return {
      group: answer.group as Committed['group'],
      logIndex: answer.logIndex,
      term: answer.term,
      result: kvResult(command, answer.result),
    };
  }

  /** Waits until a read of the replica's local state meets `consistency`. */
  private async readable(replica: Replica, consistency: ReadConsistency, deadline: number): Promise<void> {
    if (consistency.kind === 'stale') return;
    if (consistency.kind === 'bounded' && this.freshEnough(replica, consistency.maxStalenessMs)) return;
    for (let delayMs = FIRST_RETRY_DELAY_MS; ; delayMs = Math.min(delayMs * 2, this.options.host.electionTimeoutMs / 4)) {
      const read = this.options.host.readIndex(replica);
      try {
        await withDeadline(this.options.time, read.done, deadline - this.options.time.nowMs(), () => {
          read.cancel();
          return new ServiceError('timeout', 'the read index did not arrive in time');
        });
        return;
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
      }
      // Nothing was proposed or read yet: a closing node says so rather than wait for a leader.
      if (this.closing) throw new ServiceError('shutting_down', 'the node is shutting down', { retryAfterMs: OVERLOAD_RETRY_AFTER_MS });
      const remainingMs = deadline - this.options.time.nowMs();
      // A replica its group removed learns of no new leader: the client asks another node at once.
      if (remainingMs <= 0 || notMember(replica, this.options.host.self)) throw this.notLeader(replica);
      await sleep(this.options.time, Math.min(delayMs, remainingMs));
    }
  }

  /**
   * A follower has applied everything its leader had committed when it last wrote to it; if
   * that was within `maxStalenessMs`, nothing older than that is missing here.
   */
  private freshEnough(replica: Replica, maxStalenessMs: number): boolean {
    const contact = replica.leaderContact;
    if (replica.isLeader || contact === undefined) return false;
    return this.options.time.nowMs() - contact.atMs <= maxStalenessMs && replica.writtenIndex >= contact.leaderCommit;
  }
}

/** The replica's group has removed this node (or, joining, not yet added it). */
const notMember = (replica: Replica, self: NodeId): boolean => !confMembers(replica.raft.confState()).includes(self);

const isRetryable = (error: unknown): boolean =>
  error instanceof RetryableError || (error instanceof ServiceError && (error.code === 'not_leader' || error.code === 'no_leader'));

function withDeadline<T>(time: NodeTime, promise: Promise<T>, remainingMs: number, onTimeout: () => Error): Promise<T> {
  if (remainingMs <= 0) {
    // The work was queued and may still fail: unobserved, its rejection would kill the process.
    promise.catch(() => undefined);
    return Promise.reject(onTimeout());
  }
  return new Promise<T>((resolve, reject) => {
    const cancel = time.after(remainingMs, () => reject(onTimeout()));
    promise.then(
      (value) => {
        cancel();
        resolve(value);
      },
      (error: unknown) => {
        cancel();
        reject(error);
      },
    );
  });
}

const keyValue = (key: Uint8Array, record: Uint8Array): KeyValue => {
  const { value, createRevision, modRevision, version } = decodeValueRecord(record);
  return { key, value, createRevision, modRevision, version };
};

const committed = (group: Committed['group'], entry: Entry, command: KvCommand, result: ApplyResult): Committed => ({
  group,
  logIndex: entry.index,
  term: entry.term,
  result: kvResult(command, result),
});

/** The state machine's answer in the service's terms; a command it rejected is the client's error. */
export function kvResult(command: KvCommand, result: ApplyResult): KvResult {
  if (result.succeeded) return result;
  if (result.code === 'compare_failed') return { op: command.op, succeeded: false, currentRevision: result.currentRevision };
  throw new ServiceError('invalid_request', result.message);
}
