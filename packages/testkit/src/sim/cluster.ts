import { nodeId, Role } from '@flotilla/raft';
import type { ConfState, Message, NodeId } from '@flotilla/raft';
import { SafetyChecker } from '../invariants/safety-checker.js';
import type { Xoshiro128 } from '../random/xoshiro128.js';
import { Hash53 } from '../util/hash53.js';
import type { ClientRequest, RequestTarget, SubmitResult } from '../workload/client-request.js';
import { SimNetwork } from './sim-network.js';
import type { NetworkProfile } from './sim-network.js';
import { emptyCounters, SimNode } from './sim-node.js';
import type { SimCounters, SimRaftSettings } from './sim-node.js';

/** Where client answers go: the workload in a seeded run, a test's own recorder in a scenario. */
export interface ClientSink {
  completeWrite(client: number, seq: number, succeeded: boolean, key: string, valueAfter: string | null): void;
  completeRead(client: number, seq: number, key: string, value: string | null): void;
}

export interface ClusterOptions {
  readonly random: Xoshiro128;
  readonly voters: number;
  readonly settings: SimRaftSettings;
  readonly network: NetworkProfile;
  /** A Ready's sync lands 0..this many steps after it is written. */
  readonly syncDelayStepsMax: number;
  readonly trace?: (line: string) => void;
}

export const DEFAULT_RAFT_SETTINGS: SimRaftSettings = {
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 2,
  snapshotChunkBytes: 64,
  maxInflightMessages: 4,
  maxInflightBytes: 2048,
  maxMessageBytes: 512,
};

/** How many Ready turns one node may take in one step: enough to finish a sync and take the next Ready. */
const READY_TURNS_PER_STEP = 4;

/**
 * N simulated nodes on one simulated network, driven in discrete steps: deliver due messages,
 * tick clocks, run Ready cycles, check safety. Faults and workloads act on it from outside.
 */
export class Cluster implements RequestTarget {
  readonly checker = new SafetyChecker();
  readonly counters: SimCounters = emptyCounters();
  readonly network: SimNetwork;
  readonly nodes = new Map<NodeId, SimNode>();
  /** Removed from the group and stopped for good. */
  readonly retired = new Set<NodeId>();
  readonly bootstrapConf: ConfState;
  nowStep = 0;
  ticking = true;
  skipTickProbability = 0;
  reportUnreachableProbability = 0;
  syncDelayStepsMax: number;
  clientSink: ClientSink | undefined;
  private readonly random: Xoshiro128;
  private readonly traceHash = new Hash53();
  private nextNodeId: number;

  constructor(private readonly options: ClusterOptions) {
    this.random = options.random.fork();
    this.network = new SimNetwork(options.random.fork(), options.network);
    this.syncDelayStepsMax = options.syncDelayStepsMax;
    const voters = Array.from({ length: options.voters }, (_, index) => nodeId(index + 1));
    this.bootstrapConf = { voters, votersOutgoing: [], learners: [], learnersNext: [] };
    this.nextNodeId = options.voters + 1;
    for (const id of voters) this.createNode(id, true).start();
  }

  private createNode(id: NodeId, founding: boolean): SimNode {
    const node = new SimNode(id, founding ? this.bootstrapConf : undefined, this.options.random.fork(), this.options.settings, {
      checker: this.checker,
      counters: this.counters,
      send: (message) => this.send(message),
      writeCompleted: (...args) => this.clientSink?.completeWrite(...args),
      readCompleted: (...args) => this.clientSink?.completeRead(...args),
      trace: (text) => this.trace(text),
    });
    this.nodes.set(id, node);
    return node;
  }

  /** A fresh, empty node for a later membership change: it waits for the leader's snapshot. */
  addNode(): SimNode {
    const node = this.createNode(nodeId(this.nextNodeId++), false);
    node.start();
    return node;
  }

  node(id: NodeId): SimNode {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  trace(text: () => string): void {
    if (this.options.trace !== undefined) this.options.trace(`[${this.nowStep}] ${text()}`);
  }

  private send(message: Message): void {
    const delivered = this.network.send(message, this.nowStep);
    if (!delivered && this.random.chance(this.reportUnreachableProbability)) {
      const sender = this.nodes.get(message.from);
      if (sender?.isRunning === true) sender.reportUnreachable(message.to);
    }
  }

  runningNodes(): SimNode[] {
    return [...this.nodes.values()].filter((node) => node.isRunning);
  }

  crash(id: NodeId): void {
    this.node(id).crash();
    this.network.dropFor(id);
  }

  restart(id: NodeId): void {
    if (this.retired.has(id)) throw new Error(`node ${id} was removed from the group`);
    this.node(id).start();
  }

  /** A node removed from the group is shut down by its host for good. */
  retire(id: NodeId): void {
    if (this.node(id).isRunning) this.crash(id);
    this.retired.add(id);
    this.trace(() => `retire n${id}`);
  }

  /** The running leader of the highest term, if any. */
  leader(): SimNode | undefined {
    let best: { node: SimNode; term: number } | undefined;
    for (const node of this.runningNodes()) {
      const { hardState, softState } = node.status();
      if (softState.role === Role.LEADER && (best === undefined || hardState.term > best.term)) best = { node, term: hardState.term };
    }
    return best?.node;
  }

  /** One step of simulated time. */
  step(): void {
    this.nowStep++;
    for (const message of this.network.takeDue(this.nowStep)) {
      const target = this.nodes.get(message.to);
      if (target?.isRunning === true) target.step(message);
    }
    const order = this.shuffledRunning();
    if (this.ticking) {
      for (const node of order) if (!this.random.chance(this.skipTickProbability)) node.tick();
    }
    this.processReadies(order);
    this.checkStep();
  }

  private processReadies(order: readonly SimNode[]): void {
    for (const node of order) {
      for (let turn = 0; turn < READY_TURNS_PER_STEP && node.isRunning; turn++) {
        if (!node.processReady(this.nowStep, this.random.between(0, this.syncDelayStepsMax))) break;
      }
    }
  }

  private shuffledRunning(): SimNode[] {
    const nodes = this.runningNodes();
    for (let i = nodes.length - 1; i > 0; i--) {
      const j = this.random.int(i + 1);
      [nodes[i], nodes[j]] = [nodes[j] as SimNode, nodes[i] as SimNode];
    }
    return nodes;
  }

  /** Election safety from every node's own report, and a fingerprint of the step for replay checks. */
  private checkStep(): void {
    this.traceHash.updateNumber(this.nowStep);
    for (const node of this.runningNodes()) {
      const { hardState, softState, applied, lastIndex } = node.status();
      this.checker.onStatus(node.id, hardState.term, softState.role);
      this.traceHash.updateNumber(node.id).updateNumber(hardState.term).updateNumber(softState.role);
      this.traceHash.updateNumber(hardState.commit).updateNumber(applied).updateNumber(lastIndex);
    }
    this.traceHash.updateNumber(this.network.counters.delivered);
  }

  /** Steps until `done` holds; false if `maxSteps` pass first. */
  runUntil(done: () => boolean, maxSteps: number): boolean {
    for (let i = 0; i < maxSteps; i++) {
      if (done()) return true;
      this.step();
    }
    return done();
  }

  run(steps: number): void {
    for (let i = 0; i < steps; i++) this.step();
  }

  get fingerprint(): number {
    return this.traceHash.digest();
  }

  reachableNodes(): readonly NodeId[] {
    return this.runningNodes().map((node) => node.id);
  }

  submit(id: NodeId, request: ClientRequest): SubmitResult {
    const node = this.nodes.get(id);
    if (node?.isRunning !== true) return { accepted: false, leaderHint: undefined };
    const leader = node.status().softState.leader;
    try {
      node.submit(request);
      return { accepted: true };
    } catch (error) {
      if (isRefusal(error)) return { accepted: false, leaderHint: leader === 0 ? undefined : leader };
      throw error;
    }
  }
}

/** The core's ways of saying "not now" to a client; anything else is a bug and propagates. */
export function isRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'proposal-dropped' || code === 'read-index-dropped' || code === 'not-leader' || code === 'conf-change-pending' || code === 'invalid-conf-change';
}
