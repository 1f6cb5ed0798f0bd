// An in-memory group of RawNodes for interaction tests: it runs each node's Ready loop and
// delivers messages in order, with drop rules. (The fault-injecting simulator lives in
// packages/testkit; this only makes scripted scenarios short.)
import { MemoryLogStorage } from '../memory-storage.js';
import type { RaftConfig } from '../config.js';
import { RawNode } from '../raw-node.js';
import type { ConfState, Entry, Message, NodeId, ReadState } from '../types.js';
import { EntryType, MessageType, groupId, nodeId } from '../types.js';
import { Xoshiro128 } from '../xoshiro128.js';

export const TEST_GROUP = groupId(7);

export const conf = (voters: number[], learners: number[] = []): ConfState => ({
  voters: voters.map(nodeId),
  votersOutgoing: [],
  learners: learners.map(nodeId),
  learnersNext: [],
});

/** Test payloads are ASCII, so one byte per character (the core has no TextEncoder). */
export const bytes = (value: string): Uint8Array => Uint8Array.from(value, (char) => char.charCodeAt(0));
export const text = (data: Uint8Array): string => String.fromCharCode(...data);

export interface TestReplica {
  readonly id: NodeId;
  node: RawNode;
  readonly storage: MemoryLogStorage;
  /** Commands applied, in order (the state machine). */
  applied: string[];
  appliedEntries: Entry[];
  readStates: ReadState[];
  /** Snapshot chunks staged but not yet installed. */
  staged: Uint8Array[];
}

export type DropRule = (message: Message) => boolean;

export class TestCluster {
  readonly replicas = new Map<NodeId, TestReplica>();
  queue: Message[] = [];
  /** Every message delivered, for assertions. */
  delivered: Message[] = [];
  private dropRules: DropRule[] = [];

  constructor(
    readonly ids: number[],
    readonly options: { seed?: number; initial?: ConfState; config?: Partial<RaftConfig> } = {},
  ) {
    const initial = options.initial ?? conf(ids);
    for (const raw of ids) this.addReplica(raw, new MemoryLogStorage(initial));
  }

  addReplica(raw: number, storage: MemoryLogStorage, applied?: number): TestReplica {
    const id = nodeId(raw);
    const node = new RawNode({
      id,
      group: TEST_GROUP,
      storage,
      random: new Xoshiro128((this.options.seed ?? 1) * 7919 + raw),
      ...this.options.config,
      ...(applied === undefined ? {} : { applied }),
    });
    const replica: TestReplica = { id, node, storage, applied: [], appliedEntries: [], readStates: [], staged: [] };
    this.replicas.set(id, replica);
    return replica;
  }

  /** Restarts a replica from its durable storage, as after a crash. */
  restart(raw: number, applied?: number): TestReplica {
    const old = this.get(raw);
    const replica = this.addReplica(raw, old.storage, applied);
    if (applied === undefined) {
      // The state machine restarts from the snapshot; the core re-delivers the rest.
      const meta = old.storage.snapshot();
      const data = old.storage.snapshotChunk(meta, 0, Number.MAX_SAFE_INTEGER).data;
      replica.applied = data.byteLength === 0 ? [] : (JSON.parse(text(data)) as string[]);
    } else {
      replica.applied = old.applied.slice(0, old.appliedEntries.filter((e) => e.index <= applied && e.type === EntryType.COMMAND).length);
      replica.appliedEntries = old.appliedEntries.filter((e) => e.index <= applied);
    }
    return replica;
  }

  get(raw: number): TestReplica {
    const replica = this.replicas.get(nodeId(raw));
    if (replica === undefined) throw new Error(`no replica ${raw}`);
    return replica;
  }

  node(raw: number): RawNode {
    return this.get(raw).node;
  }

  drop(rule: DropRule): void {
    this.dropRules.push(rule);
  }

  /** Cuts every message between `raw` and the rest. */
  isolate(raw: number): void {
    this.drop((m) => m.from === raw || m.to === raw);
  }

  heal(): void {
    this.dropRules = [];
  }

  /** Runs one Ready cycle of a replica: persist, queue messages, apply, advance. */
  processReady(replica: TestReplica): boolean {
    if (!replica.node.hasReady()) return false;
    const ready = replica.node.ready();
    this.queue.push(...ready.messagesBeforeSync);
    for (const chunk of ready.snapshotChunks) {
      if (chunk.offset === 0) replica.staged = [];
      replica.staged.push(chunk.data);
    }
    if (ready.snapshot !== undefined) {
      const data = concat(replica.staged);
      replica.storage.applySnapshot(ready.snapshot, data);
      replica.applied = data.byteLength === 0 ? [] : (JSON.parse(text(data)) as string[]);
      replica.appliedEntries = [];
      replica.staged = [];
    }
    replica.storage.append(ready.entries);
    if (ready.hardState !== undefined) replica.storage.setHardState(ready.hardState);
    this.queue.push(...ready.messages);
    for (const entry of ready.committedEntries) {
      replica.appliedEntries.push(entry);
      if (entry.type === EntryType.COMMAND) replica.applied.push(text(entry.data));
    }
    replica.readStates.push(...ready.readStates);
    replica.node.advance(ready);
    return true;
  }

  /** Delivers queued messages (and the messages they cause) until nothing moves. */
  stabilize(maxRounds = 10_000): void {
    for (let round = 0; round < maxRounds; round++) {
      let moved = false;
      for (const replica of this.replicas.values()) moved = this.processReady(replica) || moved;
      const batch = this.queue;
      this.queue = [];
      for (const message of batch) {
        moved = true;
        this.deliver(message);
      }
      if (!moved) return;
    }
    throw new Error('cluster did not stabilize');
  }

  deliver(message: Message): void {
    if (this.dropRules.some((rule) => rule(message))) return;
    const target = this.replicas.get(message.to);
    if (target === undefined) return;
    this.delivered.push(message);
    target.node.step(message);
  }

  /** Ticks every replica `count` times, stabilizing after each tick. */
  tick(count = 1, only?: number[]): void {
    for (let i = 0; i < count; i++) {
      for (const replica of this.replicas.values()) {
        if (only === undefined || only.includes(replica.id)) replica.node.tick();
      }
      this.stabilize();
    }
  }

  /**
   * Ticks node `raw` alone until it sends a heartbeat, which tells its followers its commit
   * index (a leader sends no append just to carry a new one).
   */
  heartbeat(raw: number): void {
    const from = nodeId(raw);
    for (let ticks = 0; ticks < 1_000; ticks++) {
      const seen = this.delivered.length;
      this.tick(1, [raw]);
      if (this.delivered.slice(seen).some((m) => m.type === MessageType.HEARTBEAT && m.from === from)) return;
    }
    throw new Error(`node ${raw} sent no heartbeat`);
  }

  elect(raw: number): void {
    this.node(raw).campaign();
    this.stabilize();
  }

  leader(): NodeId | undefined {
    for (const replica of this.replicas.values()) {
      const status = replica.node.status();
      if (status.softState.role === 4) return replica.id;
    }
    return undefined;
  }

  propose(raw: number, command: string): void {
    this.node(raw).propose(bytes(command));
    this.stabilize();
  }
}

const concat = (pieces: Uint8Array[]): Uint8Array => {
  let total = 0;
  for (const piece of pieces) total += piece.byteLength;
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
};
