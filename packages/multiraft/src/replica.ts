import { NO_NODE, RawNode, Role } from '@flotilla/raft';
import type { GroupId, Logger, NodeId, Random } from '@flotilla/raft';
import { MAX_COMMAND_BYTES } from '@flotilla/kv';
import type { ApplyResult } from '@flotilla/kv';
import { GroupLog, type HashRange, type StoredGroup } from '@flotilla/storage';
import { ReadQueue } from './read-queue.js';
import type { StateMachine } from './state-machine.js';
import type { WriteWaiter } from './write-waiters.js';
import { WriteWaiters } from './write-waiters.js';

/** A write accepted by the node, waiting for the next turn to be proposed. */
export interface QueuedProposal {
  readonly command: Uint8Array;
  readonly waiter: Omit<WriteWaiter, 'term'>;
}

/** What the replica last heard from its leader, for bounded-staleness reads. */
export interface LeaderContact {
  readonly atMs: number;
  /** The leader's commit index when it sent the message. */
  readonly leaderCommit: number;
}

export interface ReplicaSettings {
  readonly self: NodeId;
  readonly random: Random;
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  readonly logger: Logger;
}

/** One local replica of a group: its core, log, state machine and the requests waiting on it. */
export class Replica {
  readonly group: GroupId;
  readonly range: HashRange;
  readonly log: GroupLog;
  readonly raft: RawNode;
  readonly machine: StateMachine<ApplyResult>;
  readonly writeWaiters = new WriteWaiters();
  readonly reads: ReadQueue;
  proposals: QueuedProposal[] = [];
  leader: NodeId = NO_NODE;
  role: Role = Role.FOLLOWER;
  /** Last entry handed to the state machine, and last one whose apply batch is written. */
  appliedIndex: number;
  appliedTerm: number;
  writtenIndex: number;
  leaderContact: LeaderContact | undefined;
  /** When the current leader's last append or heartbeat arrived. */
  leaderHeardAtMs = Number.NEGATIVE_INFINITY;
  /** Log bytes applied since the last snapshot, for the compaction threshold. */
  bytesSinceSnapshot = 0;
  snapshotInProgress = false;
  /** Not ticked while its group is idle (see Quiescence). */
  quiesced = false;
  idleTicks = 0;
  snapshotsInstalled = 0;
  /** Compacted entries still in the store, deleted a few per turn. */
  logTrim: { readonly from: number; readonly through: number } | undefined;
  /** Whether entries a previous run left below the snapshot were cleared from the store. */
  storedLogTailCleared = false;
  /** Snapshot files written to send. */
  snapshotsTaken = 0;
  /** Log compactions at the threshold (they write no file). */
  compactions = 0;
  /** The group removed this node: the host no longer runs this replica. */
  removed = false;

  constructor(stored: StoredGroup, range: HashRange, machine: StateMachine<ApplyResult>, settings: ReplicaSettings) {
    this.group = stored.group;
    this.range = range;
    this.log = new GroupLog(stored);
    this.machine = machine;
    this.appliedIndex = stored.applyState.appliedIndex;
    this.appliedTerm = stored.applyState.appliedTerm;
    this.writtenIndex = this.appliedIndex;
    this.reads = new ReadQueue(settings.self);
    this.raft = new RawNode({
      id: settings.self,
      group: stored.group,
      storage: this.log,
      random: settings.random,
      electionTimeoutTicks: settings.electionTimeoutTicks,
      heartbeatIntervalTicks: settings.heartbeatIntervalTicks,
      // Raft refuses a larger entry: the documented key and value limits must fit one.
      maxMessageBytes: MAX_COMMAND_BYTES,
      applied: this.appliedIndex,
      logger: settings.logger,
    });
  }

  get isLeader(): boolean {
    return this.role === Role.LEADER;
  }

  /** Requests waiting on this replica, for back-pressure and shutdown. */
  get pendingRequests(): number {
    return this.proposals.length + this.writeWaiters.size + this.reads.size;
  }
}
