import { applyConfChange, BOOTSTRAP_INDEX, BOOTSTRAP_TERM, confMembers, EntryType, groupId, MessageType, NO_NODE, RawNode } from '@flotilla/raft';
import type { ConfChange, ConfState, Entry, HardState, Message, NodeId, Ready, RaftStatus, SnapshotMeta, Xoshiro128 } from '@flotilla/raft';
import { FULL_HASH_RANGE, GroupLog, MemoryNodeStore, MemoryVolume } from '@flotilla/storage';
import type { NodeStore, WriteBatch } from '@flotilla/storage';
import { MemoryTransport } from '@flotilla/transport';
import type { Transport } from '@flotilla/transport';
import type { SafetyChecker } from '../invariants/safety-checker.js';
import { decodeCommand, encodeCommand } from '../statemachine/kv-command.js';
import { KvStateMachine } from '../statemachine/kv-state-machine.js';
import type { ClientRequest } from '../workload/client-request.js';
import type { SimNetwork } from './sim-network.js';

export const SIM_GROUP = groupId(1);
/**
 * The key-value state machine travels whole as the store's opaque state blob (apply state and
 * snapshots alike) and keeps no user records, so the group's range holds nothing: its state is
 * a few hundred bytes, and one blob keeps the checker's state hashes exact.
 */
const SIM_RANGE = FULL_HASH_RANGE;

/** The core's settings in the simulator: short timeouts, tiny chunks and windows, to provoke edge cases. */
export interface SimRaftSettings {
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  readonly snapshotChunkBytes: number;
  readonly maxInflightMessages: number;
  readonly maxInflightBytes: number;
  readonly maxMessageBytes: number;
  /** Off in scripted scenarios that steer elections by hand, and in some seeded runs. */
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  /** Small in some seeded runs, to split committed batches and refuse proposals over the limit. */
  readonly maxCommittedBytesPerReady?: number;
  readonly maxUncommittedEntriesBytes?: number;
}

/** What happened in a run, so that tests can prove the faults and features were exercised. */
export interface SimCounters {
  crashes: number;
  snapshotsTaken: number;
  snapshotsInstalled: number;
  configurationsApplied: number;
  readsServed: number;
  writesAcknowledged: number;
}

export const emptyCounters = (): SimCounters => ({
  crashes: 0,
  snapshotsTaken: 0,
  snapshotsInstalled: 0,
  configurationsApplied: 0,
  readsServed: 0,
  writesAcknowledged: 0,
});

/** What a node shares with the rest of the simulation. */
export interface NodeEnvironment {
  readonly checker: SafetyChecker;
  readonly network: SimNetwork;
  /** Every node of the cluster (this one included): the transport's peers. */
  nodeIds(): readonly NodeId[];
  writeCompleted(client: number, seq: number, succeeded: boolean, key: string, valueAfter: string | null): void;
  readCompleted(client: number, seq: number, key: string, value: string | null): void;
  readonly counters: SimCounters;
  /** Lazy, so that a run without a trace pays nothing for the text. */
  trace(text: () => string): void;
}

interface WaitingRead {
  readonly client: number;
  readonly seq: number;
  readonly key: string;
  /** Set once the ReadIndex answer arrives: the read is served when this is applied. */
  index: number | undefined;
}

/** The running half of a node, the process: lost on a crash, rebuilt from the volume on restart. */
interface Running {
  readonly store: NodeStore;
  readonly transport: Transport;
  readonly raw: RawNode;
  readonly log: GroupLog;
  kv: KvStateMachine;
  applied: number;
  appliedTerm: number;
  /** The configuration as of `applied`, computed here entry by entry and compared with the core's. */
  conf: ConfState;
  /** The store work of the Ready in flight; the node takes no other Ready and starts no other work meanwhile. */
  task: Promise<void> | undefined;
  /** When the sync the task waits for lands; undefined until the task waits for one. */
  syncLandsAtStep: number | undefined;
  /** The next Ready's write carries the applied state (the fault injector decides how often). */
  flushWanted: boolean;
  /** The applied index of the state last written to the store: an unchanged state is not written again. */
  appliedWritten: number;
  /** A snapshot asked for, with the index to compact the log to. */
  snapshotRequested: { readonly compactIndex: number } | undefined;
  /** Peers the transport reported unreachable, for the core at the next step. */
  readonly unreachable: Set<NodeId>;
  readonly waitingWrites: Map<string, { readonly key: string }>;
  readonly waitingReads: Map<string, WaitingRead>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const requestKey = (client: number, seq: number): string => `${client}/${seq}`;
const sameIds = (a: readonly NodeId[], b: readonly NodeId[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);
const sameConf = (a: ConfState, b: ConfState): boolean =>
  sameIds(a.voters, b.voters) && sameIds(a.votersOutgoing, b.votersOutgoing) && sameIds(a.learners, b.learners) && sameIds(a.learnersNext, b.learnersNext);
const JOINING_HARD_STATE: HardState = { term: 0, vote: NO_NODE, commit: 0 };

/**
 * One simulated replica, a process over a volume that outlives it: a RawNode whose durable
 * state lives in a MemoryNodeStore (written and reloaded through the NodeStore contract, with
 * syncs that land when the simulation says, and are lost in a crash), whose messages go
 * through a MemoryTransport over the simulated network, and the key-value state machine,
 * driven exactly by the Ready contract.
 */
export class SimNode {
  readonly volume = new MemoryVolume();
  private running: Running | undefined;
  /** Set when this node applies the change that removes it: its host then shuts it down. */
  appliedOwnRemoval = false;

  constructor(
    readonly id: NodeId,
    /** A founding replica starts from the group's bootstrap snapshot; one created later joins empty. */
    private readonly bootstrapConf: ConfState | undefined,
    private readonly random: Xoshiro128,
    private readonly settings: SimRaftSettings,
    private readonly env: NodeEnvironment,
  ) {}

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  private get live(): Running {
    if (this.running === undefined) throw new Error(`node ${this.id} is not running`);
    return this.running;
  }

  /** Starts (or restarts) from what the volume holds; a founding replica's first start writes the bootstrap records. */
  async start(): Promise<void> {
    if (this.running !== undefined) throw new Error(`node ${this.id} is already running`);
    // Recovery runs with every sync landing at once: a crash during recovery is not simulated.
    this.volume.syncs.holding = false;
    const store = await MemoryNodeStore.open(this.volume);
    let stored = await store.loadGroup(SIM_GROUP);
    if (stored === undefined && this.bootstrapConf !== undefined) {
      await store.writeBatch(bootstrapBatch(store, this.bootstrapConf), { sync: true });
      stored = await store.loadGroup(SIM_GROUP);
    }
    this.volume.syncs.holding = true;
    const log = new GroupLog(stored);
    const applyState = stored?.applyState ?? { appliedIndex: 0, appliedTerm: 0, stateMachine: new Uint8Array(0) };
    const raw = new RawNode({ id: this.id, group: SIM_GROUP, storage: log, random: this.random, applied: applyState.appliedIndex, ...this.settings });
    const kv = KvStateMachine.restore(applyState.stateMachine);
    const transport = new MemoryTransport(this.env.network, { self: this.id, peers: this.env.nodeIds().filter((id) => id !== this.id) });
    const live: Running = {
      store,
      transport,
      raw,
      log,
      kv,
      applied: applyState.appliedIndex,
      appliedTerm: applyState.appliedTerm,
      conf: raw.confState(),
      task: undefined,
      syncLandsAtStep: undefined,
      flushWanted: false,
      appliedWritten: applyState.appliedIndex,
      snapshotRequested: undefined,
      unreachable: new Set(),
      waitingWrites: new Map(),
      waitingReads: new Map(),
    };
    transport.onRaft((_from, messages) => {
      for (const message of messages) raw.step(message);
    });
    transport.onUnreachable((peer) => live.unreachable.add(peer));
    await transport.start();
    this.running = live;
    const hardState = stored?.hardState ?? JOINING_HARD_STATE;
    this.env.checker.onStart(this.id, {
      hardState,
      snapshot: stored?.snapshotMeta,
      entries: stored?.entries ?? [],
      applied: live.applied,
      stateHash: kv.stateHash(),
      conf: live.conf,
    });
    this.env.trace(() => `start n${this.id} applied=${live.applied} term=${hardState.term} commit=${hardState.commit}`);
  }

  /**
   * Power loss: the process and its pending requests are gone; syncs in flight landed or not as
   * `landed` decides; unsynced writes are lost. The store is abandoned mid-work, never closed.
   */
  crash(landed: () => boolean): void {
    const live = this.live;
    this.running = undefined;
    void live.transport.close();
    const inFlight: string[] = [];
    this.volume.crash(() => {
      const reached = landed();
      inFlight.push(reached ? 'landed' : 'lost');
      return reached;
    });
    this.env.checker.onStop(this.id);
    this.env.counters.crashes++;
    this.env.trace(() => `crash n${this.id}${inFlight.length === 0 ? '' : ` (syncs in flight: ${inFlight.join(' ')})`}`);
  }

  status(): RaftStatus {
    return this.live.raw.status();
  }

  /** The configuration as of the applied index. */
  conf(): ConfState {
    return this.live.conf;
  }

  get applied(): number {
    return this.live.applied;
  }

  kvState(): KvStateMachine {
    return this.live.kv;
  }

  tick(): void {
    this.live.raw.tick();
  }

  /** Proposes a configuration change to the core; throws its refusal. */
  proposeConfChange(change: ConfChange): void {
    this.live.raw.proposeConfChange(change);
  }

  step(message: Message): void {
    this.live.raw.step(message);
  }

  raw(): RawNode {
    return this.live.raw;
  }

  /** The cluster grew: the transport must know the new node. */
  knowPeers(ids: readonly NodeId[]): void {
    this.live.transport.setPeers(new Map(ids.filter((id) => id !== this.id).map((id) => [id, { host: 'sim', port: id }])));
  }

  /** Tells the core of the peers the transport found unreachable since the last step. */
  reportUnreachablePeers(): void {
    const live = this.live;
    for (const peer of live.unreachable) live.raw.reportUnreachable(peer);
    live.unreachable.clear();
  }

  /** Hands a client request to the core; throws the core's refusal (nothing was proposed then). */
  submit(request: ClientRequest): void {
    const live = this.live;
    const key = requestKey(request.client, request.seq);
    if (request.kind === 'write') {
      live.raw.propose(encodeCommand({ client: request.client, seq: request.seq, write: request.write }));
      live.waitingWrites.set(key, { key: request.write.key });
    } else {
      const context = encoder.encode(key);
      // Checker hook: a read is asked here; its ReadIndex answer must cover what is committed now.
      this.env.checker.onReadIndex(this.id, context);
      live.raw.readIndex(context);
      live.waitingReads.set(key, { client: request.client, seq: request.seq, key: request.key, index: undefined });
    }
  }

  /** The next Ready's write carries the applied state machine. */
  requestFlush(): void {
    this.live.flushWanted = true;
  }

  /** Snapshots the applied state and compacts the log up to `compactIndex` (at most the applied index), once idle. */
  requestSnapshot(compactIndex: number): void {
    this.live.snapshotRequested = { compactIndex };
  }

  /** Whether a turn now would do anything: land a due sync, do the work asked of it, or take a Ready. */
  hasWork(nowStep: number): boolean {
    const live = this.live;
    if (live.task !== undefined) return live.syncLandsAtStep !== undefined && nowStep >= live.syncLandsAtStep;
    return live.snapshotRequested !== undefined || (live.log.snapshotWanted && !live.log.hasSnapshotFile()) || live.raw.hasReady();
  }

  /**
   * Drives the node one turn: lands the sync its Ready waits for once due, or does the work
   * asked of it and takes the next Ready. A sync asked for in this turn lands `syncDelaySteps`
   * steps later (at once for 0). Undefined when the turn needed no store work (most Readies
   * only carry messages), so that such a turn costs the caller no await.
   */
  processReady(nowStep: number, syncDelaySteps: number): Promise<void> | undefined {
    const live = this.live;
    if (live.task !== undefined) {
      if (live.syncLandsAtStep === undefined || nowStep < live.syncLandsAtStep) return undefined;
      live.syncLandsAtStep = undefined;
      this.volume.syncs.landAll();
      return this.drive(live, nowStep, syncDelaySteps);
    }
    const requested = live.snapshotRequested;
    live.snapshotRequested = undefined;
    if ((requested !== undefined && live.applied > live.log.snapshot().index) || (live.log.snapshotWanted && !live.log.hasSnapshotFile())) {
      // The snapshot first, then the Ready: the store writes them in that order.
      const compactIndex = requested?.compactIndex ?? live.log.firstIndex() - 1;
      return this.takeSnapshot(live, compactIndex).then(() => this.takeReady(live, nowStep, syncDelaySteps));
    }
    return this.takeReady(live, nowStep, syncDelaySteps);
  }

  private takeReady(live: Running, nowStep: number, syncDelaySteps: number): Promise<void> | undefined {
    if (!live.raw.hasReady()) return undefined;
    const ready = live.raw.ready();
    this.env.trace(() => `n${this.id} ready ${describeReady(ready)}`);
    this.env.checker.onReady(this.id, ready);
    this.send(live, ready.messagesBeforeSync);
    const durable = ready.mustSync || ready.hardState !== undefined;
    if (!durable) {
      this.finishReady(live, ready);
      return undefined;
    }
    live.task = this.persist(live, ready).finally(() => {
      live.task = undefined;
    });
    return this.drive(live, nowStep, syncDelaySteps);
  }

  /** Lets the task run until it finishes or waits for a sync that is not due yet. */
  private async drive(live: Running, nowStep: number, syncDelaySteps: number): Promise<void> {
    const { syncs } = this.volume;
    for (;;) {
      while (live.task !== undefined && syncs.heldCount === 0) await Promise.race([live.task, syncs.whenHeld()]);
      if (live.task === undefined) return;
      if (syncDelaySteps > 0) {
        live.syncLandsAtStep = nowStep + syncDelaySteps;
        return;
      }
      syncs.landAll();
    }
  }

  /** The Ready contract against the store: everything durable first, then messages, applies, advance. */
  private async persist(live: Running, ready: Ready): Promise<void> {
    const { store, log } = live;
    for (const chunk of ready.snapshotChunks) await store.stageSnapshotChunk(SIM_GROUP, chunk);
    if (ready.snapshot !== undefined) await this.install(live, ready.snapshot);
    const batch = store.newBatch();
    if (ready.entries.length > 0) batch.appendEntries(SIM_GROUP, ready.entries, log.lastIndex());
    // As the host: a term or vote change is written, and a commit that covers a configuration change.
    const hardState = log.takeHardState(ready.hardState, ready.committedEntries);
    if (hardState !== undefined) batch.setHardState(SIM_GROUP, hardState);
    // After an install the applied state is the snapshot's, which the install wrote itself.
    if (live.flushWanted && ready.snapshot === undefined) {
      live.flushWanted = false;
      if (live.applied > live.appliedWritten) {
        batch.setApplyState(SIM_GROUP, { appliedIndex: live.applied, appliedTerm: live.appliedTerm, stateMachine: live.kv.serialize() });
        live.appliedWritten = live.applied;
      }
    }
    // Staged chunks become durable with the synced write, even an empty one.
    if (!batch.isEmpty || ready.snapshotChunks.length > 0) await store.writeBatch(batch, { sync: true });
    log.append(ready.entries);
    // Checker hook: the entries are synced now, so they count toward a commit quorum.
    this.env.checker.onDurableEntries(this.id, ready.entries);
    if (hardState !== undefined) this.env.checker.onDurableHardState(this.id, hardState);
    this.finishReady(live, ready);
  }

  /** What follows the write: the messages that promise durable state, applies, read answers, advance. */
  private finishReady(live: Running, ready: Ready): void {
    this.send(live, ready.messages);
    for (const entry of ready.committedEntries) this.apply(live, entry);
    for (const readState of ready.readStates) {
      const waiting = live.waitingReads.get(decoder.decode(readState.context));
      if (waiting !== undefined) waiting.index = readState.index;
    }
    live.raw.advance(ready);
    this.checkConfAgrees(live);
    this.serveReads(live);
  }

  /** Swaps the staged snapshot in (durable when this resolves) and restarts the state machine from it. */
  private async install(live: Running, meta: SnapshotMeta): Promise<void> {
    const stateMachine = await live.store.installSnapshot(SIM_GROUP, meta, SIM_RANGE);
    await live.log.installedSnapshot(meta);
    live.kv = KvStateMachine.restore(stateMachine);
    live.applied = meta.index;
    live.appliedTerm = meta.term;
    live.appliedWritten = meta.index;
    live.conf = meta.conf;
    this.env.checker.onSnapshotApplied(this.id, meta, live.kv.stateHash());
    this.env.counters.snapshotsInstalled++;
    this.env.trace(() => `n${this.id} installed snapshot ${meta.index}/${meta.term} (${stateMachine.byteLength} bytes of state)`);
  }

  /** One frame per peer: the messages of one phase of a Ready, in order. */
  private send(live: Running, messages: readonly Message[]): void {
    if (messages.length === 0) return;
    const byPeer = new Map<NodeId, Message[]>();
    for (const message of messages) {
      this.env.checker.onSend(message);
      const batch = byPeer.get(message.to);
      if (batch === undefined) byPeer.set(message.to, [message]);
      else batch.push(message);
    }
    for (const [peer, batch] of byPeer) live.transport.sendRaft(peer, batch);
  }

  private apply(live: Running, entry: Entry): void {
    if (entry.type === EntryType.COMMAND) {
      const outcome = live.kv.applyCommand(entry.data);
      if (outcome !== undefined) {
        const key = requestKey(outcome.client, outcome.seq);
        const waiting = live.waitingWrites.get(key);
        if (waiting !== undefined) {
          live.waitingWrites.delete(key);
          this.env.counters.writesAcknowledged++;
          this.env.writeCompleted(outcome.client, outcome.seq, outcome.succeeded, waiting.key, live.kv.get(waiting.key));
        }
      }
    }
    this.env.checker.onApplied(this.id, entry, live.kv.stateHash());
    live.applied = entry.index;
    live.appliedTerm = entry.term;
    if (entry.type === EntryType.CONFIGURATION) {
      if (entry.change === undefined) throw new Error(`configuration entry ${entry.index} without a change`);
      const wasMember = confMembers(live.conf).includes(this.id);
      live.conf = applyConfChange(live.conf, entry.change);
      if (wasMember && !confMembers(live.conf).includes(this.id)) this.appliedOwnRemoval = true;
      this.env.checker.onConfApplied(this.id, entry.index, live.conf);
      this.env.counters.configurationsApplied++;
      this.env.trace(() => `n${this.id} conf@${entry.index} voters=${live.conf.voters} out=${live.conf.votersOutgoing} learners=${live.conf.learners}`);
    } else if (entry.type === EntryType.COMMAND) {
      this.env.trace(() => `n${this.id} apply ${entry.index}/${entry.term} ${describeCommand(entry.data)}`);
    }
  }

  /**
   * The host's entry-by-entry configuration must be the core's once the host has caught up
   * with it. A snapshot switches the core's configuration when it arrives, before its Ready.
   */
  private checkConfAgrees(live: Running): void {
    if (live.raw.hasReady()) return;
    const core = live.raw.confState();
    if (!sameConf(live.conf, core)) {
      throw new Error(`node ${this.id}: core configuration ${JSON.stringify(core)} differs from the applied one ${JSON.stringify(live.conf)}`);
    }
  }

  private serveReads(live: Running): void {
    for (const [key, read] of live.waitingReads) {
      if (read.index === undefined || read.index > live.applied) continue;
      live.waitingReads.delete(key);
      this.env.counters.readsServed++;
      this.env.readCompleted(read.client, read.seq, read.key, live.kv.get(read.key));
    }
  }

  /**
   * Writes a snapshot file of the applied state (at the current snapshot's index when nothing
   * was applied since: the core wants its bytes), then records it and compacts the log in one
   * unsynced batch with the applied state, so that a restart never finds the log compacted past
   * the state it resumes from.
   */
  private async takeSnapshot(live: Running, compactIndex: number): Promise<void> {
    const { store, log } = live;
    const current = log.snapshot();
    const meta: SnapshotMeta = live.applied > current.index ? { index: live.applied, term: live.appliedTerm, conf: live.conf } : current;
    const stateMachine = live.kv.serialize();
    const file = await store.createSnapshot(SIM_GROUP, SIM_RANGE, meta, stateMachine);
    const keepFrom = Math.max(Math.min(compactIndex, meta.index), log.firstIndex() - 1);
    const batch = store
      .newBatch()
      .setApplyState(SIM_GROUP, { appliedIndex: meta.index, appliedTerm: meta.term, stateMachine })
      .setSnapshotMeta(SIM_GROUP, meta)
      .deleteLogBefore(SIM_GROUP, keepFrom + 1);
    await store.writeBatch(batch, { sync: false });
    live.appliedWritten = meta.index;
    await log.tookSnapshot(file, keepFrom);
    this.env.checker.onSnapshotTaken(this.id, meta, live.kv.stateHash());
    this.env.counters.snapshotsTaken++;
    this.env.checker.onCompact(this.id, keepFrom);
    this.env.trace(() => `n${this.id} snapshot@${meta.index} (${file.size} bytes) compact to ${keepFrom}`);
  }
}

/** What a founding replica's store holds before its first start: the group's first configuration at the bootstrap snapshot. */
function bootstrapBatch(store: NodeStore, conf: ConfState): WriteBatch {
  return store
    .newBatch()
    .setSnapshotMeta(SIM_GROUP, { index: BOOTSTRAP_INDEX, term: BOOTSTRAP_TERM, conf })
    .setHardState(SIM_GROUP, { term: BOOTSTRAP_TERM, vote: NO_NODE, commit: BOOTSTRAP_INDEX })
    .setApplyState(SIM_GROUP, { appliedIndex: BOOTSTRAP_INDEX, appliedTerm: BOOTSTRAP_TERM, stateMachine: new KvStateMachine().serialize() });
}

const MESSAGE_NAMES = Object.fromEntries(Object.entries(MessageType).map(([name, type]) => [type, name]));

function describeMessage(message: Message): string {
  const reject = message.reject === true ? ' reject' : '';
  const index = message.index === undefined ? '' : ` i=${message.index}`;
  const entries = message.entries === undefined || message.entries.length === 0 ? '' : ` +${message.entries.length}`;
  return `${MESSAGE_NAMES[message.type] ?? message.type}→n${message.to}@${message.term}${index}${entries}${reject}`;
}

function describeReady(ready: Ready): string {
  const parts: string[] = [];
  if (ready.softState !== undefined) parts.push(`role=${ready.softState.role} leader=${ready.softState.leader}`);
  if (ready.hardState !== undefined) parts.push(`hs=${ready.hardState.term}/${ready.hardState.vote}/${ready.hardState.commit}`);
  if (ready.entries.length > 0) parts.push(`append ${ready.entries[0]?.index}..${ready.entries.at(-1)?.index}@${ready.entries.at(-1)?.term}`);
  if (ready.snapshot !== undefined) parts.push(`snapshot ${ready.snapshot.index}/${ready.snapshot.term}`);
  if (ready.committedEntries.length > 0) parts.push(`commit ${ready.committedEntries[0]?.index}..${ready.committedEntries.at(-1)?.index}`);
  const messages = [...ready.messagesBeforeSync, ...ready.messages].map(describeMessage);
  if (messages.length > 0) parts.push(`send ${messages.join(' ')}`);
  return parts.join(' | ');
}

function describeCommand(data: Uint8Array): string {
  const { client, seq, write } = decodeCommand(data);
  return `c${client}#${seq} ${write.op} ${write.key}`;
}
