import { coalesceInto } from './coalesce.js';
import { applyConfChange, isJoint } from './confchange.js';
import type { ResolvedRaftConfig } from './config.js';
import { entriesBytes, entryPayloadBytes } from './entry-size.js';
import {
  CompactedError,
  ConfChangeError,
  InvalidRequestError,
  ProposalDroppedError,
  RaftInvariantError,
  ReadIndexDroppedError,
  SnapshotTemporarilyUnavailableError,
} from './errors.js';
import { LeaderLogKnowledge } from './leader-log-knowledge.js';
import { RaftLog } from './log.js';
import type { Progress } from './progress.js';
import { ProgressState } from './progress.js';
import { VoteResult, jointVoteResult } from './quorum.js';
import { ReadOnly } from './read-only.js';
import { stepCandidate } from './step-candidate.js';
import { stepFollower } from './step-follower.js';
import { stepLeader } from './step-leader.js';
import { ProgressTracker } from './tracker.js';
import type { ConfState, Entry, Message, NodeId, ReadState, SnapshotChunk, SnapshotMeta } from './types.js';
import { EntryType, MessageType, NO_NODE, Role } from './types.js';

/** A message before the core stamps group, sender and (unless given) term. */
export type Outgoing = Omit<Message, 'group' | 'from' | 'term'> & { readonly term?: number };

/** A snapshot being received: what is staged so far. */
interface IncomingSnapshot {
  readonly meta: SnapshotMeta;
  nextOffset: number;
}

const LOCAL_TERM = 0;

/** Response type for each vote request type. */
const voteResponseType = (type: MessageType): MessageType =>
  type === MessageType.PRE_VOTE ? MessageType.PRE_VOTE_RESP : MessageType.VOTE_RESP;

/**
 * One replica's Raft state machine. Pure and synchronous: inputs are `tick` and `step`,
 * outputs accumulate (messages, read states, snapshot chunks, log changes) for `RawNode`
 * to hand out as a Ready.
 */
export class Raft {
  readonly id: NodeId;
  readonly log: RaftLog;
  readonly tracker: ProgressTracker;
  readonly readOnly: ReadOnly;
  /** Follower: how far our log agrees with the leader's, and how far the leader committed. */
  readonly leaderLog = new LeaderLogKnowledge();
  term = 0;
  vote: NodeId = NO_NODE;
  lead: NodeId = NO_NODE;
  role: Role = Role.FOLLOWER;
  /** Outputs, drained by RawNode. */
  msgs: Message[] = [];
  readStates: ReadState[] = [];
  snapshotChunks: SnapshotChunk[] = [];
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  leadTransferee: NodeId = NO_NODE;
  /** Index of the newest configuration entry the leader appended; no other change until it is applied. */
  pendingConfIndex = 0;
  /** Payload bytes the leader appended beyond its commit index. */
  uncommittedBytes = 0;
  /** ReadIndex requests waiting for the leader's first commit in its term. */
  pendingReadIndexMessages: Message[] = [];
  incomingSnapshot: IncomingSnapshot | undefined = undefined;
  /**
   * The log index the configuration in force reflects. A snapshot restored while a Ready's
   * committed entries are still being applied already holds their configuration changes.
   */
  confAppliedIndex = 0;

  constructor(readonly cfg: ResolvedRaftConfig) {
    this.id = cfg.id;
    const storage = cfg.storage;
    const { hardState, conf } = storage.initialState();
    const snapshotIndex = storage.snapshot().index;
    const applied = cfg.applied ?? snapshotIndex;
    if (applied < snapshotIndex) {
      throw new InvalidRequestError(`applied ${applied} is below the snapshot index ${snapshotIndex}`);
    }
    this.log = new RaftLog(storage, hardState.commit, applied);
    this.tracker = new ProgressTracker(conf, cfg.maxInflightMessages, cfg.maxInflightBytes);
    this.readOnly = new ReadOnly(cfg.maxPendingReadIndexRequests);
    // The storage's configuration is the snapshot's; entries applied since then changed it.
    let replayed: ConfState = conf;
    if (applied > snapshotIndex) {
      for (const entry of this.log.slice(snapshotIndex + 1, applied + 1, Infinity)) {
        if (entry.type === EntryType.CONFIGURATION) replayed = this.checkedConfChange(replayed, entry);
      }
    }
    this.tracker.setConf(replayed, this.log.lastIndex() + 1);
    this.confAppliedIndex = applied;
    this.becomeFollower(hardState.term, NO_NODE);
    this.vote = hardState.vote;
  }

  get group(): Message['group'] {
    return this.cfg.group;
  }

  // ---- outputs -------------------------------------------------------------------------

  send(message: Outgoing): void {
    if (message.to === this.id) throw new RaftInvariantError(`message ${message.type} to self`);
    // Forwarded proposals and reads carry no term: the leader treats them as local requests.
    const forwarded = message.type === MessageType.PROP || message.type === MessageType.READ_INDEX;
    const stamped: Message = { ...message, group: this.cfg.group, from: this.id, term: message.term ?? (forwarded ? LOCAL_TERM : this.term) };
    if (!coalesceInto(this.msgs, stamped, this.cfg.maxMessageBytes)) this.msgs.push(stamped);
  }

  // ---- role changes --------------------------------------------------------------------

  private reset(term: number): void {
    if (term !== this.term) {
      this.term = term;
      this.vote = NO_NODE;
    }
    this.lead = NO_NODE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTimeoutTicks + this.cfg.random.int(this.cfg.electionTimeoutTicks);
    this.leadTransferee = NO_NODE;
    this.tracker.resetVotes();
    this.tracker.resetProgress(this.log.lastIndex() + 1);
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readOnly.clear();
    this.pendingReadIndexMessages = [];
    this.leaderLog.forget();
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.reset(term);
    this.role = Role.FOLLOWER;
    this.lead = lead;
  }

  private becomePreCandidate(): void {
    if (this.role === Role.LEADER) throw new RaftInvariantError('leader cannot become pre-candidate');
    // A pre-candidate keeps its term and vote: losing the pre-vote must leave no trace.
    this.tracker.resetVotes();
    this.role = Role.PRE_CANDIDATE;
    this.lead = NO_NODE;
  }

  private becomeCandidate(): void {
    if (this.role === Role.LEADER) throw new RaftInvariantError('leader cannot become candidate');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = Role.CANDIDATE;
  }

  private becomeLeader(): void {
    if (this.role === Role.FOLLOWER) throw new RaftInvariantError('follower cannot become leader');
    this.reset(this.term);
    this.role = Role.LEADER;
    this.lead = this.id;
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined) {
      // Only what is durable counts toward commit; the rest counts once the host persists it.
      self.match = this.log.persistedLastIndex();
      self.becomeReplicate();
    }
    // Entries of earlier terms may hold a configuration change; wait until all are applied.
    this.pendingConfIndex = this.log.lastIndex();
    this.appendEntries([{ type: EntryType.NO_OP, data: new Uint8Array(0) }]);
    this.cfg.logger.info('became leader', { group: this.cfg.group, id: this.id, term: this.term });
    this.bcastAppend();
  }

  // ---- elections -----------------------------------------------------------------------

  /** May this replica campaign: a voter with no snapshot waiting to be installed. */
  promotable(): boolean {
    return this.tracker.isVoter(this.id) && !this.log.hasPendingSnapshot();
  }

  private hasUnappliedConfChanges(): boolean {
    if (this.log.applied >= this.log.committed) return false;
    return this.log
      .slice(this.log.applied + 1, this.log.committed + 1, Infinity)
      .some((entry) => entry.type === EntryType.CONFIGURATION);
  }

  hup(transfer: boolean): void {
    if (this.role === Role.LEADER) return;
    if (!this.promotable()) return;
    if (this.hasUnappliedConfChanges()) {
      // Campaigning under a configuration about to change could count the wrong voters.
      this.cfg.logger.warn('not campaigning: configuration changes await applying', { group: this.cfg.group, id: this.id });
      return;
    }
    this.campaign(this.cfg.preVote && !transfer ? MessageType.PRE_VOTE : MessageType.VOTE, transfer);
  }

  private campaign(voteType: typeof MessageType.PRE_VOTE | typeof MessageType.VOTE, transfer: boolean): void {
    let voteTerm: number;
    if (voteType === MessageType.PRE_VOTE) {
      this.becomePreCandidate();
      voteTerm = this.term + 1;
    } else {
      this.becomeCandidate();
      voteTerm = this.term;
    }
    this.tracker.recordVote(this.id, true);
    if (this.tracker.voteResult() === VoteResult.WON) {
      // A single voter wins at once.
      if (voteType === MessageType.PRE_VOTE) this.campaign(MessageType.VOTE, transfer);
      else this.becomeLeader();
      return;
    }
    const lastIndex = this.log.lastIndex();
    const lastTerm = this.log.lastTerm();
    for (const id of this.tracker.voterIds()) {
      if (id === this.id) continue;
      this.send({
        type: voteType,
        to: id,
        term: voteTerm,
        index: lastIndex,
        logTerm: lastTerm,
        ...(transfer ? { transfer: true } : {}),
      });
    }
  }

  /** Counts a (pre-)vote answer; wins or loses the election when the quorum decides. */
  poll(from: NodeId, granted: boolean): void {
    this.tracker.recordVote(from, granted);
    const result = this.tracker.voteResult();
    if (result === VoteResult.WON) {
      if (this.role === Role.PRE_CANDIDATE) this.campaign(MessageType.VOTE, false);
      else this.becomeLeader();
    } else if (result === VoteResult.LOST) {
      this.becomeFollower(this.term, NO_NODE);
    }
  }

  private handleVoteRequest(message: Message): void {
    const isPreVote = message.type === MessageType.PRE_VOTE;
    const canVote =
      this.vote === message.from ||
      (this.vote === NO_NODE && this.lead === NO_NODE) ||
      (isPreVote && message.term > this.term);
    if (canVote && this.log.isUpToDate(message.index ?? 0, message.logTerm ?? 0)) {
      // Granting answers in the request's term, so the (pre-)candidate counts it.
      this.send({ type: voteResponseType(message.type), to: message.from, term: message.term });
      if (!isPreVote) {
        this.electionElapsed = 0;
        this.vote = message.from;
      }
    } else {
      this.send({ type: voteResponseType(message.type), to: message.from, term: this.term, reject: true });
    }
  }

  // ---- ticks ---------------------------------------------------------------------------

  tick(): void {
    if (this.role === Role.LEADER) this.tickLeader();
    else this.tickElection();
  }

  private tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.step(this.localMessage(MessageType.HUP));
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.cfg.electionTimeoutTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum) this.step(this.localMessage(MessageType.CHECK_QUORUM));
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.role === Role.LEADER) this.leadTransferee = NO_NODE;
    }
    if (this.role !== Role.LEADER) return;
    this.tickSnapshotChunks();
    if (this.heartbeatElapsed >= this.cfg.heartbeatIntervalTicks) {
      this.heartbeatElapsed = 0;
      this.step(this.localMessage(MessageType.BEAT));
    }
  }

  /** A chunk unanswered for an election timeout was probably lost: send it again. */
  private tickSnapshotChunks(): void {
    for (const [id, pr] of this.tracker.progress) {
      if (pr.state !== ProgressState.SNAPSHOT || !pr.chunkInflight) continue;
      pr.chunkInflightTicks++;
      if (pr.chunkInflightTicks >= this.cfg.electionTimeoutTicks) {
        pr.chunkInflight = false;
        this.sendSnapshotChunk(id, pr);
      }
    }
  }

  localMessage(type: MessageType, extra: Partial<Message> = {}): Message {
    return { type, group: this.cfg.group, from: this.id, to: this.id, term: LOCAL_TERM, ...extra };
  }

  // ---- step ----------------------------------------------------------------------------

  step(message: Message): void {
    if (message.group !== this.cfg.group) {
      throw new InvalidRequestError(`message for group ${message.group} stepped into group ${this.cfg.group}`);
    }
    if (message.term > this.term) {
      if (!this.acceptHigherTerm(message)) return;
    } else if (message.term < this.term && message.term !== LOCAL_TERM) {
      this.answerLowerTerm(message);
      return;
    }
    switch (message.type) {
      case MessageType.HUP:
        this.hup(false);
        return;
      case MessageType.VOTE:
      case MessageType.PRE_VOTE:
        this.handleVoteRequest(message);
        return;
    }
    switch (this.role) {
      case Role.LEADER:
        stepLeader(this, message);
        return;
      case Role.FOLLOWER:
        stepFollower(this, message);
        return;
      default:
        stepCandidate(this, message);
    }
  }

  /** A message from a higher term; false when it is to be ignored. */
  private acceptHigherTerm(message: Message): boolean {
    if (message.type === MessageType.VOTE || message.type === MessageType.PRE_VOTE) {
      // The leader lease: while a leader is heard from, a disruptive candidate is ignored,
      // unless leadership is being handed over on purpose.
      const inLease =
        (this.cfg.checkQuorum || message.type === MessageType.PRE_VOTE) &&
        this.lead !== NO_NODE &&
        this.electionElapsed < this.cfg.electionTimeoutTicks;
      if (inLease && message.transfer !== true) return false;
    }
    if (message.type === MessageType.PRE_VOTE) return true;
    // A granted pre-vote is answered in the future term; the term moves when the real election starts.
    if (message.type === MessageType.PRE_VOTE_RESP && message.reject !== true) return true;
    const fromLeader =
      message.type === MessageType.APP || message.type === MessageType.HEARTBEAT || message.type === MessageType.SNAP;
    this.becomeFollower(message.term, fromLeader ? message.from : NO_NODE);
    return true;
  }

  private answerLowerTerm(message: Message): void {
    const fromLeader = message.type === MessageType.HEARTBEAT || message.type === MessageType.APP;
    // Without CheckQuorum and PreVote, a voter whose term ran ahead rejoins by campaigning; a
    // learner cannot, so it must tell the leader its term or it never hears from it again.
    if (fromLeader && (this.cfg.checkQuorum || this.cfg.preVote || !this.tracker.isVoter(this.id))) {
      // A stale leader (say, partitioned away and back) learns our term and steps down. Without
      // this, with CheckQuorum or PreVote our leader lease / pre-votes could keep it stuck.
      this.send({ type: MessageType.APP_RESP, to: message.from });
    } else if (message.type === MessageType.PRE_VOTE) {
      // Tell a lagging pre-candidate our term so it can catch up instead of retrying forever.
      this.send({ type: MessageType.PRE_VOTE_RESP, to: message.from, reject: true });
    }
  }

  // ---- proposals -----------------------------------------------------------------------

  /** Reports a refused proposal: thrown to a local caller, only logged for a forwarded one. */
  refuse(message: Message, error: Error): void {
    if (message.from === this.id) throw error;
    this.cfg.logger.debug('dropped forwarded request', { group: this.cfg.group, from: message.from, error: error.message });
  }

  /** Leader: checks a proposal against every limit, then appends and replicates it. */
  propose(message: Message): void {
    const entries = message.entries ?? [];
    if (entries.length === 0) return this.refuse(message, new InvalidRequestError('a proposal needs entries'));
    if (this.leadTransferee !== NO_NODE) return this.refuse(message, new ProposalDroppedError('transfer-in-progress'));
    let confIndex = this.pendingConfIndex;
    for (const [offset, entry] of entries.entries()) {
      if (entry.data.byteLength > this.cfg.maxMessageBytes) return this.refuse(message, new ProposalDroppedError('too-large'));
      if (entry.type !== EntryType.CONFIGURATION) continue;
      try {
        this.checkConfProposal(entry, confIndex);
      } catch (error) {
        if (error instanceof ConfChangeError) return this.refuse(message, error);
        throw error;
      }
      confIndex = this.log.lastIndex() + 1 + offset;
    }
    if (!this.appendEntries(entries)) return this.refuse(message, new ProposalDroppedError('uncommitted-limit'));
    this.pendingConfIndex = confIndex;
    this.bcastAppend();
  }

  private checkConfProposal(entry: Entry, pendingConfIndex: number): void {
    if (entry.change === undefined) throw new ConfChangeError('invalid-conf-change', 'configuration entry without a change');
    if (pendingConfIndex > this.log.applied) {
      throw new ConfChangeError('conf-change-pending', `configuration change at ${pendingConfIndex} is not applied yet`);
    }
    applyConfChange(this.tracker.conf, entry.change);
  }

  /** Leader: stamps and appends entries; false (and nothing appended) over the uncommitted limit. */
  appendEntries(entries: readonly Pick<Entry, 'type' | 'data' | 'change'>[]): boolean {
    const lastIndex = this.log.lastIndex();
    const stamped: Entry[] = entries.map((entry, offset) => ({
      index: lastIndex + 1 + offset,
      term: this.term,
      type: entry.type,
      data: entry.data,
      ...(entry.change === undefined ? {} : { change: entry.change }),
    }));
    let payloadBytes = 0;
    for (const entry of stamped) payloadBytes += entryPayloadBytes(entry);
    // An empty tail always admits one proposal, however large, so progress is never blocked.
    if (this.uncommittedBytes > 0 && payloadBytes > 0 && this.uncommittedBytes + payloadBytes > this.cfg.maxUncommittedEntriesBytes) {
      return false;
    }
    this.uncommittedBytes += payloadBytes;
    this.log.append(stamped);
    return true;
  }

  /** Committed entries are no longer part of the uncommitted tail. */
  reduceUncommittedSize(committed: readonly Entry[]): void {
    if (this.role !== Role.LEADER) return;
    let payloadBytes = 0;
    for (const entry of committed) payloadBytes += entryPayloadBytes(entry);
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - payloadBytes);
  }

  // ---- replication (leader) ------------------------------------------------------------

  /** Sends every follower whose progress allows it the entries it has not been sent. */
  bcastAppend(): void {
    for (const id of this.tracker.progress.keys()) {
      if (id !== this.id) this.maybeSendAppend(id, false);
    }
  }

  /**
   * Sends the next append to `to` if its progress allows; with `sendIfEmpty` even without
   * entries (a probe, or an answer to a follower that was paused). Falls back to a snapshot when the entries
   * it needs are compacted. True if a message left.
   */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.log.termOrUndefined(prevIndex);
    if (prevTerm === undefined) return this.sendSnapshot(to, pr);
    let entries: Entry[];
    try {
      entries = this.log.entriesFrom(pr.next, this.cfg.maxMessageBytes);
    } catch (error) {
      if (error instanceof CompactedError) return this.sendSnapshot(to, pr);
      throw error;
    }
    const last = entries[entries.length - 1];
    if (last === undefined && !sendIfEmpty) return false;
    this.send({ type: MessageType.APP, to, index: prevIndex, logTerm: prevTerm, entries, commit: this.log.committed });
    pr.sentEntries(entries.length, last?.index ?? prevIndex, entriesBytes(entries));
    return true;
  }

  /** The host's current snapshot, or undefined while it is being prepared. */
  private currentSnapshot(): SnapshotMeta | undefined {
    try {
      return this.cfg.storage.snapshot();
    } catch (error) {
      if (error instanceof SnapshotTemporarilyUnavailableError) return undefined;
      throw error;
    }
  }

  private sendSnapshot(to: NodeId, pr: Progress): boolean {
    // A replica not heard from lately is probably down: a snapshot would be wasted.
    if (!pr.recentActive) return false;
    const snapshot = this.currentSnapshot();
    if (snapshot === undefined) return false;
    if (snapshot.index < this.log.firstIndex() - 1) {
      throw new RaftInvariantError(`storage compacted to ${this.log.firstIndex() - 1} beyond its snapshot ${snapshot.index}`);
    }
    pr.becomeSnapshot(snapshot);
    return this.sendSnapshotChunk(to, pr);
  }

  /** Sends the chunk at the progress' offset, restarting if the host replaced the snapshot. */
  sendSnapshotChunk(to: NodeId, pr: Progress): boolean {
    const current = this.currentSnapshot();
    const pending = pr.pendingSnapshot;
    if (current === undefined || pending === undefined) return false;
    if (current.index !== pending.index || current.term !== pending.term) pr.becomeSnapshot(current);
    const meta = pr.pendingSnapshot as SnapshotMeta;
    let piece: { data: Uint8Array; done: boolean };
    try {
      piece = this.cfg.storage.snapshotChunk(meta, pr.snapshotOffset, this.cfg.snapshotChunkBytes);
    } catch (error) {
      if (error instanceof SnapshotTemporarilyUnavailableError) return false;
      throw error;
    }
    this.send({ type: MessageType.SNAP, to, snapshot: { meta, offset: pr.snapshotOffset, data: piece.data, done: piece.done } });
    pr.sentChunk();
    return true;
  }

  bcastHeartbeat(): void {
    const context = this.readOnly.lastContext();
    for (const [id, pr] of this.tracker.progress) {
      if (id === this.id) continue;
      // `commit` never goes past what the follower is known to hold. `leaderCommit` says how far
      // we are: the follower commits what it holds of that, and its host bounds read staleness.
      const commit = Math.min(pr.match, this.log.committed);
      const leaderCommit = this.log.committed;
      this.send({ type: MessageType.HEARTBEAT, to: id, commit, leaderCommit, ...(context === undefined ? {} : { context }) });
    }
  }

  /** Follower: what the leader showed of its log (0 for what a message does not tell); commits what that makes known committed. */
  learnFromLeader(agreedTo: number, leaderCommit: number): void {
    this.log.commitTo(this.leaderLog.learn(agreedTo, leaderCommit));
  }

  /**
   * Commit rule of the paper: only an entry of the current term is committed by counting
   * replicas. Followers learn the new index from the next append, heartbeat or read-index
   * answer (`LeaderLogKnowledge`): an append sent only to carry it would cost every follower a
   * message, an answer and a Ready per commit.
   */
  maybeCommit(): void {
    const index = this.tracker.committed();
    if (index <= this.log.committed || this.log.termOrUndefined(index) !== this.term) return;
    this.log.commitTo(index);
    this.releasePendingReadIndexMessages();
  }

  /** The host persisted the log up to `index` with `term`: the leader now counts it for itself. */
  persistedTo(index: number, term: number): void {
    if (this.role !== Role.LEADER || !this.log.matchTerm(index, term)) return;
    const self = this.tracker.progress.get(this.id);
    if (self !== undefined && self.maybeUpdate(index)) this.maybeCommit();
  }

  sendTimeoutNow(to: NodeId): void {
    this.send({ type: MessageType.TIMEOUT_NOW, to });
  }

  // ---- ReadIndex ----------------------------------------------------------------------

  committedEntryInCurrentTerm(): boolean {
    return this.log.termOrUndefined(this.log.committed) === this.term;
  }

  /** Leader: confirms leadership for a read, or defers it until the term's first entry commits. */
  readIndex(message: Message): void {
    const context = message.context;
    if (context === undefined || context.byteLength === 0) {
      return this.refuse(message, new InvalidRequestError('a read index request needs a non-empty context'));
    }
    if (!this.committedEntryInCurrentTerm()) {
      // Our commit index may lag the true one until our NO_OP commits.
      if (this.pendingReadIndexMessages.length >= this.cfg.maxPendingReadIndexRequests) {
        return this.refuse(message, new ReadIndexDroppedError('queue-full'));
      }
      this.pendingReadIndexMessages.push(message);
      return;
    }
    if (this.tracker.isSingleton()) {
      this.answerRead(message.from, this.log.committed, context);
      return;
    }
    if (this.readOnly.isFull()) return this.refuse(message, new ReadIndexDroppedError('queue-full'));
    this.readOnly.add(this.log.committed, message.from, context);
    this.readAcknowledged(this.id, context);
    this.bcastHeartbeat();
  }

  private releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const waiting = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const message of waiting) {
      if (this.readOnly.isFull() && !this.tracker.isSingleton()) {
        this.cfg.logger.warn('read index queue full, dropping deferred read', { group: this.cfg.group, from: message.from });
        continue;
      }
      this.readIndex(message);
    }
  }

  /** `from` answered a heartbeat carrying `context`; a quorum of answers releases the reads up to it. */
  readAcknowledged(from: NodeId, context: Uint8Array): void {
    const acks = this.readOnly.recvAck(from, context);
    if (acks === undefined) return;
    const conf = this.tracker.conf;
    if (jointVoteResult(conf.voters, conf.votersOutgoing, (id) => (acks.has(id) ? true : undefined)) !== VoteResult.WON) return;
    for (const read of this.readOnly.release(context)) this.answerRead(read.from, read.index, read.context);
  }

  private answerRead(to: NodeId, index: number, context: Uint8Array): void {
    if (to === this.id || to === NO_NODE) this.readStates.push({ index, context });
    else this.send({ type: MessageType.READ_INDEX_RESP, to, index, context });
  }

  // ---- snapshots (follower) -----------------------------------------------------------

  /**
   * Installs a fully received snapshot. False when it brings nothing: it is older than our
   * commit, or our log already holds its last entry (then commit just moves forward).
   */
  restore(meta: SnapshotMeta): boolean {
    if (meta.index <= this.log.committed) return false;
    if (this.log.matchTerm(meta.index, meta.term)) {
      this.log.commitTo(meta.index);
      return false;
    }
    this.log.restore(meta);
    this.tracker.setConf(meta.conf, this.log.lastIndex() + 1);
    this.confAppliedIndex = meta.index;
    return true;
  }

  // ---- membership ----------------------------------------------------------------------

  private checkedConfChange(conf: ConfState, entry: Entry): ConfState {
    if (entry.change === undefined) throw new RaftInvariantError(`configuration entry ${entry.index} without a change`);
    try {
      return applyConfChange(conf, entry.change);
    } catch (error) {
      // The leader validated it; a committed change that does not apply means diverged state.
      if (error instanceof ConfChangeError) {
        throw new RaftInvariantError(`committed configuration change ${entry.index} does not apply: ${error.message}`);
      }
      throw error;
    }
  }

  /**
   * Applies a committed configuration entry. A configuration takes effect when its entry is
   * APPLIED (etcd's approach): every replica switches at the same point of its log, and a
   * change cannot be in force on one replica while being rolled back on another.
   */
  applyConfEntry(entry: Entry): void {
    if (entry.index <= this.confAppliedIndex) return;
    this.tracker.setConf(this.checkedConfChange(this.tracker.conf, entry), this.log.lastIndex() + 1);
    this.confAppliedIndex = entry.index;
    if (this.role !== Role.LEADER) return;
    if (!this.tracker.isVoter(this.id)) {
      this.stepDownAfterRemoval();
      return;
    }
    if (this.leadTransferee !== NO_NODE && !this.tracker.isVoter(this.leadTransferee)) this.leadTransferee = NO_NODE;
    this.maybeCommit();
    this.bcastAppend();
  }

  /**
   * A leader outside C-new leaves: it hands leadership to an up-to-date voter of C-new if there
   * is one (so the group does not wait an election timeout), then stops acting as leader.
   */
  private stepDownAfterRemoval(): void {
    const lastIndex = this.log.lastIndex();
    const heir = this.tracker.conf.voters.find((id) => this.tracker.progress.get(id)?.match === lastIndex);
    if (heir !== undefined) this.sendTimeoutNow(heir);
    this.cfg.logger.info('leader left the configuration, stepping down', { group: this.cfg.group, id: this.id });
    this.becomeFollower(this.term, NO_NODE);
  }

  /** Leader: once the joint configuration is applied, propose leaving it. */
  maybeAutoLeaveJoint(): void {
    if (this.role !== Role.LEADER || !isJoint(this.tracker.conf) || this.log.applied < this.pendingConfIndex) return;
    this.appendEntries([{ type: EntryType.CONFIGURATION, data: new Uint8Array(0), change: { changes: [], leaveJoint: true } }]);
    this.pendingConfIndex = this.log.lastIndex();
    this.bcastAppend();
  }
}
