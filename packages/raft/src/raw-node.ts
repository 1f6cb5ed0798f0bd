import type { RaftConfig } from './config.js';
import { resolveRaftConfig } from './config.js';
import { isVoterIn } from './confchange.js';
import { InvalidRequestError, NotLeaderError } from './errors.js';
import { Raft } from './raft.js';
import type { BasicStatus, PeerProgress, RaftStatus } from './status.js';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, SoftState } from './types.js';
import { EntryType, MessageType, NO_NODE, Role } from './types.js';

/** Messages only a leader sends, which promise nothing about its own durable state. */
const LEADER_OUTBOUND: ReadonlySet<MessageType> = new Set([MessageType.APP, MessageType.HEARTBEAT, MessageType.SNAP]);
/** Messages the core makes itself; a host never steps them. */
const LOCAL_ONLY: ReadonlySet<MessageType> = new Set([
  MessageType.HUP,
  MessageType.BEAT,
  MessageType.UNREACHABLE,
  MessageType.CHECK_QUORUM,
]);

const sameHardState = (a: HardState, b: HardState): boolean =>
  a.term === b.term && a.vote === b.vote && a.commit === b.commit;

/**
 * The host's handle on one replica (etcd's RawNode): feed it ticks, messages and requests,
 * then drain `ready()`, do what it says, and `advance()`.
 */
export class RawNode {
  private readonly raft: Raft;
  private softState: SoftState;
  /** The hard state last handed out, and the last one the host made durable. */
  private readyHardState: HardState;
  private durableHardState: HardState;
  private outstanding: Ready | undefined = undefined;

  constructor(config: RaftConfig) {
    this.raft = new Raft(resolveRaftConfig(config));
    this.softState = this.currentSoftState();
    this.readyHardState = this.currentHardState();
    this.durableHardState = this.readyHardState;
  }

  get id(): NodeId {
    return this.raft.id;
  }

  tick(): void {
    this.raft.tick();
  }

  /** Steps a message from a peer. Local-only message types are refused: use the methods. */
  step(message: Message): void {
    if (LOCAL_ONLY.has(message.type)) throw new InvalidRequestError(`message type ${message.type} is local; use the RawNode method`);
    if (message.to !== this.raft.id) throw new InvalidRequestError(`message to ${message.to} stepped into ${this.raft.id}`);
    this.raft.step(message);
  }

  /** Starts an election now (tests, and hosts that want a replica to lead). */
  campaign(): void {
    this.raft.step(this.raft.localMessage(MessageType.HUP));
  }

  /** Proposes a command. Throws `ProposalDroppedError` when it cannot be accepted now. */
  propose(data: Uint8Array): void {
    this.proposeEntry({ type: EntryType.COMMAND, data });
  }

  /**
   * Proposes commands as consecutive entries, all or none (throws `ProposalDroppedError` then).
   * One proposal of many entries goes to each follower as one append, where proposing them one
   * by one sends an append (and gets an answer) per entry.
   */
  proposeAll(commands: readonly Uint8Array[]): void {
    const entries = commands.map((data) => ({ type: EntryType.COMMAND, data, index: 0, term: 0 }) as Entry);
    this.raft.step(this.raft.localMessage(MessageType.PROP, { entries }));
  }

  /**
   * Proposes a membership change (always through the joint configuration; the leader leaves it
   * on its own). Throws `ConfChangeError` when one is pending or the change does not fit.
   * Followers forward it; the leader checks it again.
   */
  proposeConfChange(change: ConfChange): void {
    this.proposeEntry({ type: EntryType.CONFIGURATION, data: new Uint8Array(0), change });
  }

  private proposeEntry(entry: Pick<Entry, 'type' | 'data' | 'change'>): void {
    const stamped = { ...entry, index: 0, term: 0 } as Entry;
    this.raft.step(this.raft.localMessage(MessageType.PROP, { entries: [stamped] }));
  }

  /**
   * Asks for a linearizable read point; it arrives as a `ReadState` with the same context
   * (which must be non-empty and unique among pending reads). Dropped on leader change: callers retry.
   */
  readIndex(context: Uint8Array): void {
    this.raft.step(this.raft.localMessage(MessageType.READ_INDEX, { context }));
  }

  /** Leader only: hands leadership to `to`, a voter. Proposals are refused until it ends. */
  transferLeader(to: NodeId): void {
    if (this.raft.role !== Role.LEADER) throw new NotLeaderError(this.raft.lead);
    if (!isVoterIn(this.raft.tracker.conf, to)) throw new InvalidRequestError(`cannot transfer leadership to ${to}: not a voter`);
    this.raft.step(this.raft.localMessage(MessageType.TRANSFER_LEADER, { from: to }));
  }

  /**
   * The host stopped ticking this replica while its group was idle (quiescence) and starts
   * again. A leader restarts its election clock, since its followers' silence was the host's
   * doing and not a partition (else CheckQuorum could depose it on the first tick), and
   * heartbeats at once so that the followers' clocks restart too.
   */
  wake(): void {
    if (this.raft.role !== Role.LEADER) return;
    this.raft.electionElapsed = 0;
    this.raft.heartbeatElapsed = 0;
    this.raft.step(this.raft.localMessage(MessageType.BEAT));
  }

  /** The host could not deliver to `peer`: the leader stops pipelining to it. */
  reportUnreachable(peer: NodeId): void {
    this.raft.step(this.raft.localMessage(MessageType.UNREACHABLE, { from: peer }));
  }

  hasReady(): boolean {
    if (this.outstanding !== undefined) return false;
    const r = this.raft;
    return (
      !sameSoftState(this.softState, this.currentSoftState()) ||
      !sameHardState(this.readyHardState, this.currentHardState()) ||
      r.log.unstable.nextEntries().length > 0 ||
      r.log.unstable.nextSnapshot() !== undefined ||
      r.snapshotChunks.length > 0 ||
      r.msgs.length > 0 ||
      r.readStates.length > 0 ||
      r.log.hasNextCommittedEntries()
    );
  }

  /** The next batch of work; call `advance` with it before asking for another. */
  ready(): Ready {
    if (this.outstanding !== undefined) throw new InvalidRequestError('ready() called again before advance()');
    const r = this.raft;
    const softState = this.currentSoftState();
    const hardState = this.currentHardState();
    const snapshot = r.log.unstable.nextSnapshot();
    const committedEntries = r.log.nextCommittedEntries(r.cfg.maxCommittedBytesPerReady);
    // A leader's appends and heartbeats may leave before its own write, unless its term or
    // vote is not yet durable: then a crash could let it lead the same term twice.
    const termDurable = hardState.term === this.durableHardState.term && hardState.vote === this.durableHardState.vote;
    const messagesBeforeSync: Message[] = [];
    const messages: Message[] = [];
    for (const message of r.msgs) {
      if (termDurable && LEADER_OUTBOUND.has(message.type)) messagesBeforeSync.push(message);
      else messages.push(message);
    }
    const entries = r.log.unstable.nextEntries();
    const ready: Ready = {
      ...(sameSoftState(softState, this.softState) ? {} : { softState }),
      ...(sameHardState(hardState, this.readyHardState) ? {} : { hardState }),
      entries,
      snapshotChunks: r.snapshotChunks,
      ...(snapshot === undefined ? {} : { snapshot }),
      committedEntries,
      messagesBeforeSync,
      messages,
      readStates: r.readStates,
      mustSync:
        !termDurable ||
        entries.length > 0 ||
        r.snapshotChunks.length > 0 ||
        snapshot !== undefined ||
        committedEntries.some((entry) => entry.type === EntryType.CONFIGURATION),
    };
    this.softState = softState;
    this.readyHardState = hardState;
    r.log.unstable.markInProgress();
    const lastCommitted = committedEntries[committedEntries.length - 1];
    if (lastCommitted !== undefined) r.log.applying = lastCommitted.index;
    r.msgs = [];
    r.readStates = [];
    r.snapshotChunks = [];
    this.outstanding = ready;
    return ready;
  }

  /**
   * The host has done everything `ready` asked: persisted its state, sent its messages and
   * applied its committed entries. Configuration entries take effect here.
   */
  advance(ready: Ready): void {
    if (ready !== this.outstanding) throw new InvalidRequestError('advance() with a Ready that is not the outstanding one');
    this.outstanding = undefined;
    const r = this.raft;
    if (ready.hardState !== undefined) this.durableHardState = ready.hardState;
    if (ready.snapshot !== undefined) {
      r.log.unstable.stableSnapTo(ready.snapshot.index);
      r.log.appliedTo(ready.snapshot.index);
    }
    const lastEntry = ready.entries[ready.entries.length - 1];
    if (lastEntry !== undefined) {
      r.log.unstable.stableTo(lastEntry.index, lastEntry.term);
      r.persistedTo(lastEntry.index, lastEntry.term);
    }
    for (const entry of ready.committedEntries) {
      r.log.appliedTo(entry.index);
      if (entry.type === EntryType.CONFIGURATION) r.applyConfEntry(entry);
    }
    r.reduceUncommittedSize(ready.committedEntries);
    r.maybeAutoLeaveJoint();
  }

  /** The configuration in force (as of the applied index). */
  confState(): ConfState {
    return this.raft.tracker.conf;
  }

  basicStatus(): BasicStatus {
    const r = this.raft;
    return {
      term: r.term,
      role: r.role,
      leader: r.lead,
      commit: r.log.committed,
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      leadTransferee: r.role === Role.LEADER ? r.leadTransferee : NO_NODE,
    };
  }

  status(): RaftStatus {
    const r = this.raft;
    const base = {
      id: r.id,
      hardState: this.currentHardState(),
      softState: this.currentSoftState(),
      applied: r.log.applied,
      lastIndex: r.log.lastIndex(),
      conf: r.tracker.conf,
    };
    if (r.role !== Role.LEADER) return base;
    const progress: PeerProgress[] = [...r.tracker.progress].map(([id, pr]) => ({
      id,
      match: pr.match,
      next: pr.next,
      state: pr.state,
      isLearner: pr.isLearner,
      recentActive: pr.recentActive,
    }));
    return { ...base, progress, leadTransferee: r.leadTransferee };
  }

  private currentSoftState(): SoftState {
    return { leader: this.raft.lead, role: this.raft.role };
  }

  private currentHardState(): HardState {
    return { term: this.raft.term, vote: this.raft.vote, commit: this.raft.log.committed };
  }
}

const sameSoftState = (a: SoftState, b: SoftState): boolean => a.leader === b.leader && a.role === b.role;
