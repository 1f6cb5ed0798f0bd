import { applyConfChange, confMembers, EntryType, groupId, MessageType, RawNode } from '@flotilla/raft';
import type { ConfState, Entry, MemoryLogStorage, Message, NodeId, Ready, RaftStatus } from '@flotilla/raft';
import type { SafetyChecker } from '../invariants/safety-checker.js';
import type { Xoshiro128 } from '../random/xoshiro128.js';
import { decodeCommand, encodeCommand } from '../statemachine/kv-command.js';
import { KvStateMachine } from '../statemachine/kv-state-machine.js';
import type { ClientRequest } from '../workload/client-request.js';
import { SimDisk } from './sim-disk.js';

export const SIM_GROUP = groupId(1);

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

/** What a node reports to the rest of the simulation. */
export interface NodeEnvironment {
  readonly checker: SafetyChecker;
  send(message: Message): void;
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

/** The running half of a node: lost on a crash, rebuilt from the disk on restart. */
interface Running {
  readonly raw: RawNode;
  readonly storage: MemoryLogStorage;
  kv: KvStateMachine;
  applied: number;
  /** The configuration as of `applied`, computed here entry by entry and compared with the core's. */
  conf: ConfState;
  inflight: { readonly ready: Ready; readonly syncAtStep: number } | undefined;
  readonly waitingWrites: Map<string, { readonly key: string }>;
  readonly waitingReads: Map<string, WaitingRead>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const requestKey = (client: number, seq: number): string => `${client}/${seq}`;

/**
 * One simulated replica: a RawNode over a MemoryLogStorage mirroring a `SimDisk`, plus the
 * key-value state machine, driven exactly by the Ready contract with a sync that may lag.
 */
export class SimNode {
  readonly disk: SimDisk;
  private running: Running | undefined;
  /** Set when this node applies the change that removes it: its host then shuts it down. */
  appliedOwnRemoval = false;

  constructor(
    readonly id: NodeId,
    bootstrapConf: ConfState | undefined,
    private readonly random: Xoshiro128,
    private readonly settings: SimRaftSettings,
    private readonly env: NodeEnvironment,
  ) {
    this.disk = new SimDisk(bootstrapConf);
  }

  get isRunning(): boolean {
    return this.running !== undefined;
  }

  private get live(): Running {
    if (this.running === undefined) throw new Error(`node ${this.id} is not running`);
    return this.running;
  }

  /** Starts (or restarts) from durable state only. */
  start(): void {
    if (this.running !== undefined) throw new Error(`node ${this.id} is already running`);
    const storage = this.disk.openStorage();
    const machine = this.disk.durableStateMachine();
    const raw = new RawNode({
      id: this.id,
      group: SIM_GROUP,
      storage,
      random: this.random,
      applied: machine.applied,
      ...this.settings,
    });
    const snapshot = this.disk.durableSnapshot();
    const kv = KvStateMachine.restore(machine.data);
    this.running = {
      raw,
      storage,
      kv,
      applied: machine.applied,
      conf: raw.confState(),
      inflight: undefined,
      waitingWrites: new Map(),
      waitingReads: new Map(),
    };
    const status = raw.status();
    if (status.hardState.commit < this.disk.durableHardState().commit) {
      throw new Error(`node ${this.id} restarted with commit ${status.hardState.commit} below its durable one`);
    }
    this.env.checker.onStart(this.id, {
      hardState: this.disk.durableHardState(),
      snapshot: snapshot?.meta,
      entries: this.disk.durableEntries().filter((entry) => entry.index > (snapshot?.meta.index ?? 0)),
      applied: machine.applied,
      stateHash: kv.stateHash(),
      conf: raw.confState(),
    });
    this.env.trace(() => `start n${this.id} applied=${machine.applied} term=${status.hardState.term} commit=${status.hardState.commit}`);
  }

  /** Loses everything volatile: unsynced writes, the core, the clients' pending requests. */
  crash(): void {
    this.running = undefined;
    this.disk.crash();
    this.env.checker.onStop(this.id);
    this.env.counters.crashes++;
    this.env.trace(() => `crash n${this.id}`);
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

  step(message: Message): void {
    this.live.raw.step(message);
  }

  reportUnreachable(peer: NodeId): void {
    this.live.raw.reportUnreachable(peer);
  }

  raw(): RawNode {
    return this.live.raw;
  }

  /** Hands a client request to the core; throws the core's refusal (nothing was proposed then). */
  submit(request: ClientRequest): void {
    const live = this.live;
    const key = requestKey(request.client, request.seq);
    if (request.kind === 'write') {
      live.raw.propose(encodeCommand({ client: request.client, seq: request.seq, write: request.write }));
      live.waitingWrites.set(key, { key: request.write.key });
    } else {
      live.raw.readIndex(encoder.encode(key));
      live.waitingReads.set(key, { client: request.client, seq: request.seq, key: request.key, index: undefined });
    }
  }

  /**
   * Drives the Ready cycle one turn: finishes the Ready in flight once its sync is due, then
   * takes the next one. Returns true if anything happened.
   */
  processReady(nowStep: number, syncDelaySteps: number): boolean {
    const live = this.live;
    if (live.inflight !== undefined) {
      if (nowStep < live.inflight.syncAtStep) return false;
      this.finishReady(live, live.inflight.ready);
      return true;
    }
    if (!live.raw.hasReady()) return false;
    const ready = live.raw.ready();
    this.env.trace(() => `n${this.id} ready ${describeReady(ready)}`);
    this.env.checker.onReady(this.id, ready);
    for (const message of ready.messagesBeforeSync) this.send(message);
    this.disk.write({
      entries: ready.entries,
      snapshotChunks: ready.snapshotChunks,
      ...(ready.hardState === undefined ? {} : { hardState: ready.hardState }),
      ...(ready.snapshot === undefined ? {} : { snapshot: ready.snapshot }),
    });
    live.inflight = { ready, syncAtStep: nowStep + syncDelaySteps };
    if (syncDelaySteps === 0) this.finishReady(live, ready);
    return true;
  }

  private send(message: Message): void {
    this.env.checker.onSend(message);
    this.env.send(message);
  }

  private finishReady(live: Running, ready: Ready): void {
    live.inflight = undefined;
    for (const { batch, installed } of this.disk.sync()) {
      if (installed !== undefined) live.storage.applySnapshot(installed.meta, installed.data);
      live.storage.append(batch.entries);
      if (batch.hardState !== undefined) {
        live.storage.setHardState(batch.hardState);
        this.env.checker.onDurableHardState(this.id, batch.hardState);
      }
      if (installed !== undefined) {
        live.kv = KvStateMachine.restore(installed.data);
        live.applied = installed.meta.index;
        live.conf = installed.meta.conf;
        this.env.checker.onSnapshotApplied(this.id, installed.meta, live.kv.stateHash());
        this.env.counters.snapshotsInstalled++;
        this.env.trace(() => `n${this.id} installed snapshot ${installed.meta.index}/${installed.meta.term} (${installed.data.byteLength} bytes)`);
      }
    }
    for (const message of ready.messages) this.send(message);
    for (const entry of ready.committedEntries) this.apply(live, entry);
    for (const readState of ready.readStates) {
      const waiting = live.waitingReads.get(decoder.decode(readState.context));
      if (waiting !== undefined) waiting.index = readState.index;
    }
    live.raw.advance(ready);
    this.checkConfAgrees(live);
    this.serveReads(live);
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
    const ours = JSON.stringify(live.conf);
    const core = JSON.stringify(live.raw.confState());
    if (ours !== core) throw new Error(`node ${this.id}: core configuration ${core} differs from the applied one ${ours}`);
  }

  private serveReads(live: Running): void {
    for (const [key, read] of live.waitingReads) {
      if (read.index === undefined || read.index > live.applied) continue;
      live.waitingReads.delete(key);
      this.env.counters.readsServed++;
      this.env.readCompleted(read.client, read.seq, read.key, live.kv.get(read.key));
    }
  }

  /** Snapshots the applied state and compacts the log up to `compactIndex` (at most the applied index). */
  takeSnapshot(compactIndex: number): void {
    const live = this.live;
    if (live.applied <= live.storage.snapshot().index) return;
    const data = live.kv.serialize();
    const meta = live.storage.createSnapshot(live.applied, live.conf, data);
    const keepFrom = Math.min(compactIndex, meta.index);
    this.disk.saveSnapshot({ meta, data }, keepFrom);
    live.storage.compact(keepFrom);
    this.env.checker.onSnapshotTaken(this.id, meta, live.kv.stateHash());
    this.env.counters.snapshotsTaken++;
    this.env.checker.onCompact(this.id, keepFrom);
    this.env.trace(() => `n${this.id} snapshot@${meta.index} compact to ${keepFrom}`);
  }

  flushStateMachine(): void {
    const live = this.live;
    this.disk.flushStateMachine({ applied: live.applied, data: live.kv.serialize() });
  }

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
