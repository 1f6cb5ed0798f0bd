import { applyConfChange, ConfChangeError, confMembers, EntryType, InvalidRequestError, MessageType, NO_NODE, ProposalDroppedError, Role } from '@flotilla/raft';
import type { ConfChange, ConfState, Entry, GroupId, HardState, Message, NodeId, Ready, SnapshotMeta } from '@flotilla/raft';
import type { ApplyResult } from '@flotilla/kv';
import type { NodeStore, WriteBatch } from '@flotilla/storage';
import type { Transport } from '@flotilla/transport';
import type { HostObserver } from './host-observer.js';
import type { NodeLogger } from './node-logger.js';
import type { CancelTimer, NodeTime } from './node-time.js';
import { Outbox } from './outbox.js';
import type { Replica } from './replica.js';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';
import { Quiescence } from './quiescence.js';
import type { SnapshotPolicy } from './snapshot-policy.js';
import type { Settlement } from './write-waiters.js';

export interface HostOptions {
  readonly self: NodeId;
  readonly store: NodeStore;
  readonly transport: Transport;
  readonly replicas: readonly Replica[];
  readonly tickIntervalMs: number;
  readonly electionTimeoutTicks: number;
  /** Idle ticks before a group stops ticking. */
  readonly quiesceAfterTicks: number;
  readonly snapshots: SnapshotPolicy;
  readonly logger: NodeLogger;
  /** The clock and timers the loop runs on. */
  readonly time: NodeTime;
  /** A simulator's checker; undefined in production. */
  readonly observer: HostObserver | undefined;
  /** A broken invariant: the host stops and the process must die loudly. */
  readonly onFatal: (error: unknown) => void;
}

interface TurnWork {
  readonly replica: Replica;
  readonly ready: Ready;
}

/** More ticks than this in one turn (after the event loop stalled) would start needless elections. */
const MAX_TICKS_PER_TURN = 2;

/**
 * The node's one loop for all of its groups (law 3): a turn steps what arrived, ticks, proposes
 * and asks for read indexes, gathers every group's Ready, sends one frame per peer, writes one
 * batch (synced only when a term, vote, entry or snapshot needs it), applies the committed
 * entries in one unsynced batch, and answers the clients once that batch is written.
 */
export class MultiRaftHost {
  /** The replicas hosted here; one whose group removed this node leaves the map. */
  readonly replicas: Map<GroupId, Replica>;
  private readonly inbox: Message[] = [];
  private readonly unreachablePeers = new Set<NodeId>();
  private readonly outbox = new Outbox();
  private readonly pendingCommands: (() => void)[] = [];
  private pendingTicks = 0;
  private turnScheduled = false;
  private turnRunning = false;
  private cancelTicks: CancelTimer | undefined;
  private stopped = false;
  /**
   * The last turn's apply writes, written with the next turn's batch so that a turn costs one
   * store write; `carriedThrough` is what each replica will have written then.
   */
  private carried: WriteBatch | undefined;
  private readonly carriedThrough = new Map<Replica, number>();
  private readonly quiescence: Quiescence;

  constructor(private readonly options: HostOptions) {
    this.replicas = new Map(options.replicas.map((replica) => [replica.group, replica]));
    this.quiescence = new Quiescence(options.quiesceAfterTicks, this.electionTimeoutMs);
  }

  get self(): NodeId {
    return this.options.self;
  }

  get electionTimeoutMs(): number {
    return this.options.electionTimeoutTicks * this.options.tickIntervalMs;
  }

  start(): void {
    this.options.transport.onRaft((from, messages) => {
      this.heardFrom(from);
      for (const message of messages) this.inbox.push(message);
      this.schedule();
    });
    this.options.transport.onUnreachable((peer) => {
      this.unreachablePeers.add(peer);
      this.schedule();
    });
    this.cancelTicks = this.options.time.every(this.options.tickIntervalMs, () => {
      this.pendingTicks++;
      this.schedule();
    });
    this.schedule();
  }

  /** A peer answered a call or called us: its node is alive; `started` names its process start, if it said. */
  heardFrom(peer: NodeId, started?: number): void {
    const restarted = started !== undefined && this.quiescence.restarted(peer, started);
    if (!this.quiescence.heardFrom(peer, this.options.time.nowMs()) && !restarted) return;
    // A peer back from silence or restarted (however quickly) needs its leaders' heartbeats to
    // learn who leads and what they committed: a quiet leader would send it nothing.
    this.pendingCommands.push(() => {
      for (const replica of this.replicas.values()) if (replica.isLeader) this.quiescence.wake(replica);
    });
    this.schedule();
  }

  /** Runs `action` on the replica's core at the start of the next turn, when no Ready is outstanding. */
  atNextTurn(group: GroupId, action: (replica: Replica) => void): void {
    const replica = this.replicas.get(group);
    if (replica === undefined) throw new Error(`group ${group} is not hosted here`);
    this.pendingCommands.push(() => action(replica));
    this.schedule();
  }

  /**
   * Proposes a configuration change of the group (joint when it changes several members) at its
   * next turn, if this replica leads it. Resolves to whether it was proposed: a change already
   * pending, a follower or a malformed change are refused.
   */
  proposeConfChange(group: GroupId, change: ConfChange): Promise<boolean> {
    return new Promise((resolve) => {
      this.atNextTurn(group, (replica) => {
        if (!replica.isLeader) return resolve(false);
        try {
          replica.raft.proposeConfChange(change);
        } catch (error) {
          if (!(error instanceof ProposalDroppedError) && !(error instanceof ConfChangeError)) throw error;
          return resolve(false);
        }
        resolve(true);
      });
    });
  }

  /** Queues a write for the group's next turn; it resolves once applied and written here. */
  propose(replica: Replica, command: Uint8Array): Promise<{ result: ApplyResult; entry: Entry }> {
    if (replica.removed) return Promise.reject(notHosted(replica));
    return new Promise((resolve, reject) => {
      replica.proposals.push({
        command,
        waiter: { resolve: (result, entry) => resolve({ result, entry }), reject },
      });
      this.schedule();
    });
  }

  /** Resolves once the replica has written everything committed when the read arrived. */
  readIndex(replica: Replica): { done: Promise<void>; cancel: () => void } {
    let cancel: () => void = () => undefined;
    if (replica.removed) return { done: Promise.reject(notHosted(replica)), cancel };
    const done = new Promise<void>((resolve, reject) => {
      cancel = replica.reads.add({ resolve, reject });
    });
    this.schedule();
    return { done, cancel };
  }

  /** Stops the loop after the current turn and waits for every submitted write. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTicks?.();
    while (this.turnRunning) await new Promise<void>((resolve) => this.options.time.soon(resolve));
    // A snapshot still being written records itself in the store when done; the store must outlive it.
    await this.options.snapshots.settled();
    await this.writeCarried();
    const closing = new ServiceError('shutting_down', 'the node is shutting down');
    for (const replica of this.replicas.values()) {
      for (const proposal of replica.proposals) proposal.waiter.reject(closing);
      replica.proposals = [];
      // Proposed entries may still commit under the next leader.
      replica.writeWaiters.rejectAll(new ServiceError('unknown_outcome', 'the node shut down before the write committed; it may still commit'));
      replica.reads.rejectAll(closing);
      await replica.log.close();
    }
  }

  schedule(): void {
    if (this.turnScheduled || this.stopped) return;
    this.turnScheduled = true;
    this.options.time.soon(() => {
      this.turnScheduled = false;
      if (this.turnRunning || this.stopped) return;
      this.turnRunning = true;
      this.turn()
        .then(() => {
          this.turnRunning = false;
          if (this.hasWork()) this.schedule();
        })
        .catch((error: unknown) => {
          this.stopped = true;
          this.cancelTicks?.();
          this.options.onFatal(error);
        });
    });
  }

  private hasWork(): boolean {
    if (this.inbox.length > 0 || !this.outbox.isEmpty || this.pendingCommands.length > 0 || this.carried !== undefined) return true;
    for (const replica of this.replicas.values()) {
      if (replica.raft.hasReady() || replica.proposals.length > 0 || replica.reads.hasPending) return true;
    }
    return false;
  }

  private async turn(): Promise<void> {
    const nowMs = this.options.time.nowMs();
    // A snapshot file must see every applied write, so the carried ones go first.
    if (this.carried !== undefined && [...this.replicas.values()].some((replica) => this.options.snapshots.wantsFile(replica))) {
      await this.writeCarried();
    }
    this.takeInput(nowMs);
    const work: TurnWork[] = [];
    for (const replica of this.replicas.values()) {
      if (!replica.raft.hasReady()) continue;
      const ready = replica.raft.ready();
      this.options.observer?.onReady(replica.group, ready);
      work.push({ replica, ready });
    }
    for (const { ready } of work) this.outbox.add(ready.messagesBeforeSync);
    this.outbox.flush(this.options.transport, this.options.observer);
    if (work.length === 0) {
      await this.writeCarried();
      return;
    }

    await this.persist(work, () => this.applyLogged(work));
    const settlements: Settlement[] = [];
    for (const { replica, ready } of work) {
      this.outbox.add(ready.messages);
      if (ready.softState !== undefined) this.changedRole(replica, ready.softState.role, ready.softState.leader);
      if (this.applyCommitted(replica, ready.committedEntries, settlements)) this.carriedThrough.set(replica, replica.appliedIndex);
      for (const state of ready.readStates) replica.reads.answered(state, replica.writtenIndex);
    }
    const removed: Replica[] = [];
    for (const { replica, ready } of work) {
      const confBefore = replica.raft.confState();
      replica.raft.advance(ready);
      if (ready.committedEntries.some((entry) => entry.type === EntryType.CONFIGURATION)) {
        const conf = replica.raft.confState();
        this.carriedBatch().setConfState(replica.group, conf);
        this.observeConfs(replica, confBefore, ready.committedEntries);
        // Only an entry that takes this node out removes it: a joining replica's first snapshot
        // may predate the entry that adds it.
        if (confMembers(confBefore).includes(this.self) && !confMembers(conf).includes(this.self)) removed.push(replica);
      }
    }
    // A write is answered once applied: its entry is durable, and reads wait for the written index.
    for (const settle of settlements) settle();
    for (const replica of removed) this.shutDownRemoved(replica);
  }

  /**
   * The group applied a change that removed this node: its replica stops here for good. Its
   * stored state stays; after a restart the replica runs but can never campaign (not a voter).
   */
  private shutDownRemoved(replica: Replica): void {
    this.replicas.delete(replica.group);
    replica.removed = true;
    const gone = notHosted(replica);
    for (const proposal of replica.proposals) proposal.waiter.reject(gone);
    replica.proposals = [];
    replica.writeWaiters.rejectAll(new ServiceError('unknown_outcome', 'the replica was removed from its group; the write may still commit'));
    replica.reads.rejectAll(gone);
    this.options.logger.info({ group: replica.group }, 'removed from the group: its replica stops here');
  }

  /** Tells the observer the configuration after each configuration entry the core just applied. */
  private observeConfs(replica: Replica, confBefore: ConfState, committed: readonly Entry[]): void {
    const observer = this.options.observer;
    if (observer === undefined) return;
    let conf = confBefore;
    for (const entry of committed) {
      if (entry.type !== EntryType.CONFIGURATION || entry.change === undefined) continue;
      conf = applyConfChange(conf, entry.change);
      observer.onConfApplied(replica.group, entry.index, conf);
    }
  }

  private carriedBatch(): WriteBatch {
    this.carried ??= this.options.store.newBatch();
    return this.carried;
  }

  /** Takes the carried writes out, to write them; call `carriedWritten` with the marks once written. */
  private takeCarried(): { batch: WriteBatch | undefined; marks: [Replica, number][] } {
    const taken = { batch: this.carried, marks: [...this.carriedThrough] };
    this.carried = undefined;
    this.carriedThrough.clear();
    return taken;
  }

  private carriedWritten(marks: readonly [Replica, number][]): void {
    for (const [replica, index] of marks) {
      if (index > replica.writtenIndex) replica.writtenIndex = index;
      replica.reads.written(replica.writtenIndex);
    }
  }

  /** Writes the carried apply writes on their own (no fsync: the log they came from is durable). */
  private async writeCarried(): Promise<void> {
    const { batch, marks } = this.takeCarried();
    if (batch === undefined) return;
    await this.options.store.writeBatch(batch, { sync: false });
    this.carriedWritten(marks);
  }

  /** Everything that arrived since the last turn, stepped while no Ready is outstanding. */
  private takeInput(nowMs: number): void {
    for (const command of this.pendingCommands.splice(0)) command();
    for (const message of this.inbox.splice(0)) this.stepMessage(message, nowMs);
    for (const peer of this.unreachablePeers) {
      for (const replica of this.replicas.values()) {
        if (replica.isLeader) replica.raft.reportUnreachable(peer);
        else if (replica.leader === peer) this.quiescence.wake(replica);
      }
    }
    this.unreachablePeers.clear();
    const ticks = Math.min(this.pendingTicks, MAX_TICKS_PER_TURN);
    this.pendingTicks = 0;
    const silentLeaders = new Set<NodeId>();
    if (ticks > 0) {
      for (const replica of this.replicas.values()) {
        const leader = replica.leader;
        if (replica.quiesced && leader !== this.self && this.quiescence.silentPeer(leader, nowMs)) silentLeaders.add(leader);
      }
    }
    for (const replica of this.replicas.values()) {
      if (replica.proposals.length > 0 || replica.reads.hasPending || silentLeaders.has(replica.leader)) {
        this.quiescence.wake(replica);
      } else if (ticks > 0 && replica.quiesced && replica.isLeader && this.silentVoter(replica, nowMs)) {
        // Awake, CheckQuorum can tell whether this leader is cut off, and step it down if so.
        this.quiescence.wake(replica);
      } else if (replica.quiesced && replica.isLeader && replica.raft.basicStatus().leadTransferee !== NO_NODE) {
        // A transfer asked of a quiet leader refuses writes until it ends: only ticks end a lost one.
        this.quiescence.wake(replica);
      }
      if (ticks > 0 && this.quiescence.shouldTick(replica, nowMs)) for (let i = 0; i < ticks; i++) replica.raft.tick();
      if (ticks > 0) replica.reads.reissue(nowMs - 2 * this.electionTimeoutMs);
      if (replica.proposals.length > 0) this.proposeQueued(replica);
      const observer = this.options.observer;
      replica.reads.issue(replica.raft, nowMs, observer && ((context) => observer.onReadIndex(replica.group, context)));
      this.options.snapshots.compactIfDue(replica, () => this.carriedBatch());
      this.options.snapshots.trimLog(replica, () => this.carriedBatch());
      this.options.snapshots.maybeWriteFile(replica, () => this.schedule());
    }
  }

  private silentVoter(replica: Replica, nowMs: number): boolean {
    return replica.raft.confState().voters.some((voter) => voter !== this.self && this.quiescence.silentPeer(voter, nowMs));
  }

  private stepMessage(message: Message, nowMs: number): void {
    const replica = this.replicas.get(message.group);
    if (replica === undefined) {
      this.options.logger.debug({ group: message.group, from: message.from }, 'message for a group not hosted here');
      return;
    }
    if (message.type !== MessageType.HEARTBEAT && message.type !== MessageType.HEARTBEAT_RESP) this.quiescence.wake(replica);
    try {
      replica.raft.step(message);
    } catch (error) {
      if (!(error instanceof InvalidRequestError)) throw error;
      this.options.logger.warn({ group: message.group, from: message.from, err: error }, 'dropped a malformed raft message');
      return;
    }
    if (message.type === MessageType.APP || message.type === MessageType.HEARTBEAT) {
      const status = replica.raft.basicStatus();
      if (status.leader !== message.from || status.term !== message.term) return;
      replica.leaderHeardAtMs = nowMs;
      const leaderCommit = message.leaderCommit ?? (message.type === MessageType.APP ? message.commit : undefined);
      if (leaderCommit !== undefined) replica.leaderContact = { atMs: nowMs, leaderCommit };
    }
  }

  private proposeQueued(replica: Replica): void {
    const proposals = replica.proposals;
    replica.proposals = [];
    const status = replica.raft.basicStatus();
    if (status.role !== Role.LEADER || status.leadTransferee !== NO_NODE) {
      const error = new RetryableError('not_leader', `this node does not lead group ${replica.group}`);
      for (const proposal of proposals) proposal.waiter.reject(error);
      return;
    }
    let index = status.lastIndex;
    // Together they reach each follower as one append; only if refused together are they tried
    // one by one, so that each gets its own answer (a single command may be what broke the limit).
    if (proposals.length > 1) {
      try {
        replica.raft.proposeAll(proposals.map((proposal) => proposal.command));
        for (const proposal of proposals) replica.writeWaiters.add(++index, { ...proposal.waiter, term: status.term });
        return;
      } catch (error) {
        if (!(error instanceof ProposalDroppedError)) throw error;
      }
    }
    for (const proposal of proposals) {
      try {
        replica.raft.propose(proposal.command);
      } catch (error) {
        proposal.waiter.reject(proposalError(error));
        continue;
      }
      index++;
      replica.writeWaiters.add(index, { ...proposal.waiter, term: status.term });
    }
  }

  /**
   * Committed entries logged by an earlier turn are durable already: they are applied and
   * answered while this turn's write makes the new entries durable (a leader may commit on its
   * followers' disks before its own; Raft thesis 10.2.1). Their apply writes go with the next turn.
   */
  private applyLogged(work: readonly TurnWork[]): void {
    const settlements: Settlement[] = [];
    for (const { replica, ready } of work) {
      if (ready.snapshot !== undefined) continue;
      const firstNewIndex = ready.entries[0]?.index ?? Number.POSITIVE_INFINITY;
      const logged = ready.committedEntries.filter((entry) => entry.index < firstNewIndex);
      if (this.applyCommitted(replica, logged, settlements)) this.carriedThrough.set(replica, replica.appliedIndex);
    }
    for (const settle of settlements) settle();
  }

  private async installReceived(replica: Replica, meta: SnapshotMeta): Promise<void> {
    // Carried writes of this range must land before the install replaces it, not after.
    await this.writeCarried();
    await this.options.snapshots.install(replica, meta, this.options.store);
  }

  /** Writes the turn's batch; `whileWriting` runs once the write is submitted. */
  private async persist(work: readonly TurnWork[], whileWriting: () => void): Promise<void> {
    const { store } = this.options;
    let mustSync = false;
    for (const { replica, ready } of work) {
      for (const chunk of ready.snapshotChunks) {
        await store.stageSnapshotChunk(replica.group, chunk);
        mustSync = true;
      }
      // The store keeps a complete snapshot staged even when a newer one's first chunks follow it.
      if (ready.snapshot !== undefined) await this.installReceived(replica, ready.snapshot);
    }
    const { batch: carried, marks } = this.takeCarried();
    const batch = carried ?? store.newBatch();
    let anything = mustSync || carried !== undefined;
    const hardStates: [Replica, HardState][] = [];
    const appended: TurnWork[] = [];
    for (const { replica, ready } of work) {
      if (ready.entries.length > 0) {
        appended.push({ replica, ready });
        batch.appendEntries(replica.group, ready.entries, replica.log.lastIndex());
        replica.log.append(ready.entries);
        mustSync = anything = true;
      }
      const hardState = replica.log.takeHardState(ready.hardState, ready.committedEntries);
      if (hardState !== undefined) {
        batch.setHardState(replica.group, hardState);
        hardStates.push([replica, hardState]);
        mustSync = anything = true;
      }
    }
    const written = anything ? store.writeBatch(batch, { sync: mustSync }) : undefined;
    try {
      whileWriting();
    } finally {
      // Awaited even if `whileWriting` threw, so a failed write is never left unobserved.
      await written;
    }
    for (const [replica, hardState] of hardStates) this.options.observer?.onDurableHardState(replica.group, hardState);
    for (const { replica, ready } of appended) this.options.observer?.onDurableEntries(replica.group, ready.entries);
    this.carriedWritten(marks);
  }

  private changedRole(replica: Replica, role: Role, leader: NodeId): void {
    const leaderChanged = replica.leader !== leader;
    this.quiescence.wake(replica);
    replica.role = role;
    replica.leader = leader;
    if (leaderChanged) {
      replica.leaderContact = undefined;
      // The core drops pending read indexes on a leader change; ask the new leader.
      replica.reads.reissue(Number.POSITIVE_INFINITY);
      this.options.logger.info({ group: replica.group, leader, role }, 'group leader changed');
    }
  }

  /** Applies the entries to the state machine and adds their writes to `batch`; true if any were new. */
  private applyCommitted(replica: Replica, entries: readonly Entry[], settlements: Settlement[]): boolean {
    let applied = false;
    for (const entry of entries) {
      if (entry.index <= replica.appliedIndex) continue;
      if (entry.index !== replica.appliedIndex + 1) {
        throw new Error(`group ${replica.group}: committed entry ${entry.index} does not follow applied ${replica.appliedIndex}`);
      }
      let result: ApplyResult | undefined;
      if (entry.type === EntryType.COMMAND) {
        result = replica.machine.applyCommand(entry.data, entry.index, this.carriedBatch());
        replica.bytesSinceSnapshot += entry.data.byteLength;
      }
      const settlement = replica.writeWaiters.settle(entry, result);
      if (settlement !== undefined) settlements.push(settlement);
      replica.appliedIndex = entry.index;
      replica.appliedTerm = entry.term;
      this.options.observer?.onApplied(replica.group, entry, replica.machine.digest());
      applied = true;
    }
    if (applied) {
      this.carriedBatch().setApplyState(replica.group, {
        appliedIndex: replica.appliedIndex,
        appliedTerm: replica.appliedTerm,
        stateMachine: replica.machine.stateBlob(),
      });
    }
    return applied;
  }
}

const notHosted = (replica: Replica): RetryableError => new RetryableError('not_leader', `this node no longer hosts group ${replica.group}`);

const proposalError = (error: unknown): Error => {
  if (!(error instanceof ProposalDroppedError)) throw error;
  switch (error.reason) {
    case 'too-large':
      return new ServiceError('invalid_request', 'the command is larger than a raft message may be');
    case 'uncommitted-limit':
      return new ServiceError('overloaded', 'the shard leader has too much uncommitted data', { retryAfterMs: 100 });
    case 'no-leader':
    case 'transfer-in-progress':
      return new RetryableError('not_leader', `proposal refused: ${error.reason}`);
  }
};
