import { nodeId, Role } from '@flotilla/raft';
import type { ConfState, NodeId, Xoshiro128 } from '@flotilla/raft';
import { SafetyChecker } from '../invariants/safety-checker.js';
import { Hash53 } from '../util/hash53.js';
import type { ClientRequest, RequestTarget, SubmitResult } from '../workload/client-request.js';
import { SimNetwork } from './sim-network.js';
import { Stepped } from './stepped.js';
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
  /** A Ready's sync lands 0..this many steps after it is asked for. */
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

/** How many Ready turns one node may take in one step: enough to land a sync and take the next Ready. */
const READY_TURNS_PER_STEP = 4;

/**
 * N simulated nodes on one simulated network, driven in discrete steps: deliver due frames,
 * tick clocks, run Ready cycles (awaiting each node's store until it is done or waits for a
 * sync), check safety. Faults and workloads act on it from outside, between steps. Everything
 * asynchronous settles in microtasks without timers, so a seed replays exactly.
 */
export class Cluster extends Stepped implements RequestTarget {
  readonly checker = new SafetyChecker();
  readonly counters: SimCounters = emptyCounters();
  readonly network: SimNetwork;
  readonly nodes = new Map<NodeId, SimNode>();
  /** Removed from the group and stopped for good. */
  readonly retired = new Set<NodeId>();
  readonly bootstrapConf: ConfState;
  ticking = true;
  skipTickProbability = 0;
  syncDelayStepsMax: number;
  clientSink: ClientSink | undefined;
  private readonly random: Xoshiro128;
  private readonly traceHash = new Hash53();
  private nextNodeId: number;

  private constructor(private readonly options: ClusterOptions) {
    super();
    this.random = options.random.fork();
    this.network = new SimNetwork(options.random.fork(), options.network);
    this.syncDelayStepsMax = options.syncDelayStepsMax;
    const voters = Array.from({ length: options.voters }, (_, index) => nodeId(index + 1));
    this.bootstrapConf = { voters, votersOutgoing: [], learners: [], learnersNext: [] };
    this.nextNodeId = options.voters + 1;
  }

  /** A cluster whose founding voters are up. */
  static async create(options: ClusterOptions): Promise<Cluster> {
    const cluster = new Cluster(options);
    for (const id of cluster.bootstrapConf.voters) cluster.createNode(id, true);
    for (const id of cluster.bootstrapConf.voters) await cluster.node(id).start();
    return cluster;
  }

  get nowStep(): number {
    return this.network.nowStep;
  }

  private createNode(id: NodeId, founding: boolean): SimNode {
    const node = new SimNode(id, founding ? this.bootstrapConf : undefined, this.options.random.fork(), this.options.settings, {
      checker: this.checker,
      network: this.network,
      nodeIds: () => [...this.nodes.keys()],
      counters: this.counters,
      writeCompleted: (...args) => this.clientSink?.completeWrite(...args),
      readCompleted: (...args) => this.clientSink?.completeRead(...args),
      trace: (text) => this.trace(text),
    });
    this.nodes.set(id, node);
    return node;
  }

  /** A fresh, empty node for a later membership change: it waits for the leader's snapshot. */
  async addNode(): Promise<SimNode> {
    const node = this.createNode(nodeId(this.nextNodeId++), false);
    const ids = [...this.nodes.keys()];
    for (const other of this.runningNodes()) other.knowPeers(ids);
    await node.start();
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

  runningNodes(): SimNode[] {
    return [...this.nodes.values()].filter((node) => node.isRunning);
  }

  /** Power loss on one node: a sync in flight landed or not, a coin decides. */
  crash(id: NodeId): void {
    this.node(id).crash(() => this.random.chance(0.5));
  }

  async restart(id: NodeId): Promise<void> {
    if (this.retired.has(id)) throw new Error(`node ${id} was removed from the group`);
    await this.node(id).start();
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
      const { term, role } = node.raw().basicStatus();
      if (role === Role.LEADER && (best === undefined || term > best.term)) best = { node, term };
    }
    return best?.node;
  }

  async step(): Promise<void> {
    this.network.advance();
    for (const node of this.runningNodes()) node.reportUnreachablePeers();
    const order = this.random.shuffle(this.runningNodes());
    if (this.ticking) {
      for (const node of order) if (!this.random.chance(this.skipTickProbability)) node.tick();
    }
    await this.processReadies(order);
    this.checkStep();
  }

  private async processReadies(order: readonly SimNode[]): Promise<void> {
    for (const node of order) {
      // Asked first, and awaited only when the store was involved: most turns cost no await.
      for (let turn = 0; turn < READY_TURNS_PER_STEP && node.hasWork(this.nowStep); turn++) {
        const storeWork = node.processReady(this.nowStep, this.random.between(0, this.syncDelayStepsMax));
        if (storeWork !== undefined) await storeWork;
      }
    }
  }

  /** Election safety from every node's own report, and a fingerprint of the step for replay checks. */
  private checkStep(): void {
    this.traceHash.updateNumber(this.nowStep);
    for (const node of this.runningNodes()) {
      // The basic status: the full one lists every follower's progress, which this does not need.
      const { term, role, commit, applied, lastIndex } = node.raw().basicStatus();
      this.checker.onStatus(node.id, term, role);
      this.traceHash.updateNumber(node.id).updateNumber(term).updateNumber(role);
      this.traceHash.updateNumber(commit).updateNumber(applied).updateNumber(lastIndex);
    }
    this.traceHash.updateNumber(this.network.counters.delivered);
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
    const { leader } = node.raw().basicStatus();
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
