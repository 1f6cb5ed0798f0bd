import { createKeyHasher } from '@flotilla/kv';
import type { KeyHasher } from '@flotilla/kv';
import type { NodeConfig } from '@flotilla/multiraft';
import { nodeId, Role } from '@flotilla/raft';
import type { GroupId, NodeId } from '@flotilla/raft';
import { Hash53, SimNetwork, Stepped } from '@flotilla/testkit';
import type { Xoshiro128 } from '@flotilla/raft';
import type { NetworkProfile } from '@flotilla/testkit';
import { GroupCheckers } from './group-checkers.js';
import { SimHost } from './sim-host.js';

/** One step of simulated time is one tick of every node's clock. */
export const MS_PER_STEP = 10;
/** Rounds of turns and sync landings one step may take before its leftovers wait for the next. */
const SETTLE_ROUNDS_MAX = 64;

export interface HostClusterOptions {
  readonly random: Xoshiro128;
  readonly nodes: number;
  /** Groups (shards) every founding node hosts. */
  readonly groups: number;
  readonly network: NetworkProfile;
  /** A held sync lands 0..this many steps after it is first seen held. */
  readonly syncDelayStepsMax: number;
  /** The node settings the simulation varies; the rest is fixed below. */
  readonly node: Pick<NodeConfig, 'electionTimeoutTicks' | 'heartbeatIntervalTicks' | 'snapshotThresholdEntries'>;
  readonly trace?: (line: string) => void;
}

const ROLE_LETTERS = { [Role.FOLLOWER]: 'F', [Role.PRE_CANDIDATE]: 'P', [Role.CANDIDATE]: 'C', [Role.LEADER]: 'L' };

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Whole nodes (the production host) on one simulated network, driven in discrete steps:
 * deliver due frames, fire due timers (ticks, hellos, deadlines), then run every node's queued
 * turns and land due syncs, round after round until nothing is left to do. Nothing runs on a
 * real timer and every promise settles in microtasks between rounds, so a seed replays exactly.
 */
export class HostCluster extends Stepped {
  readonly checkers = new GroupCheckers();
  readonly network: SimNetwork;
  readonly nodes = new Map<NodeId, SimHost>();
  /** Removed for good. */
  readonly retired = new Set<NodeId>();
  readonly founders: readonly NodeId[];
  skipTickProbability = 0;
  syncDelayStepsMax: number;
  crashes = 0;
  crashesWhileRecovering = 0;
  private readonly random: Xoshiro128;
  private readonly traceHash = new Hash53();
  private failure: { node: NodeId; error: unknown } | undefined;
  private nextNodeId: number;

  private constructor(
    private readonly options: HostClusterOptions,
    readonly hasher: KeyHasher,
  ) {
    super();
    this.random = options.random.fork();
    this.network = new SimNetwork(options.random.fork(), options.network, MS_PER_STEP);
    this.syncDelayStepsMax = options.syncDelayStepsMax;
    this.founders = Array.from({ length: options.nodes }, (_, index) => nodeId(index + 1));
    this.nextNodeId = options.nodes + 1;
  }

  /** A cluster whose founding nodes are booting; they recover and elect as it steps. */
  static async create(options: HostClusterOptions): Promise<HostCluster> {
    // Instantiated once, before any step: later starts take it in a microtask.
    const cluster = new HostCluster(options, await createKeyHasher());
    for (const id of cluster.founders) cluster.nodes.set(id, cluster.createHost(id, false));
    for (const id of cluster.founders) cluster.node(id).start();
    return cluster;
  }

  /** A node added to the running cluster: it hosts every group's replica empty until a group adds it. */
  addNode(): SimHost {
    const id = nodeId(this.nextNodeId++);
    const node = this.createHost(id, true);
    this.nodes.set(id, node);
    const ids = [...this.nodes.keys()];
    for (const other of this.upNodes()) other.knowPeers(ids);
    node.start();
    return node;
  }

  private createHost(id: NodeId, joining: boolean): SimHost {
    const { options } = this;
    const electionTimeoutMs = options.node.electionTimeoutTicks * MS_PER_STEP;
    return new SimHost(id, this.options.random.fork(), {
      network: this.network,
      checkers: this.checkers,
      config: {
        dataDir: '/sim',
        peerListen: { host: 'sim', port: id },
        clusterSecret: 'sim',
        initialShards: options.groups,
        ...(joining ? { joining: true } : {}),
        tickIntervalMs: MS_PER_STEP,
        ...options.node,
        snapshotThresholdBytes: 64 * 1024,
        maxPendingRequests: 1_000,
        maxPendingBytes: 1024 * 1024,
        requestTimeoutMs: 8 * electionTimeoutMs,
        balanceIntervalMs: 5 * electionTimeoutMs,
      },
      founders: this.founders,
      nodeIds: () => [...this.nodes.keys()],
      nowMs: () => this.nowMs,
      fatal: (node, error) => {
        this.failure ??= { node, error };
      },
      trace: (text) => this.trace(text),
    });
  }

  get groupCount(): number {
    return this.options.groups;
  }

  get nowStep(): number {
    return this.network.nowStep;
  }

  get nowMs(): number {
    return this.network.nowStep * MS_PER_STEP;
  }

  node(id: NodeId): SimHost {
    const node = this.nodes.get(id);
    if (node === undefined) throw new Error(`no node ${id}`);
    return node;
  }

  /** Nodes whose process is up, recovering or serving. */
  upNodes(): SimHost[] {
    return [...this.nodes.values()].filter((node) => node.isUp);
  }

  /** Nodes recovered and serving. */
  servingNodes(): SimHost[] {
    return [...this.nodes.values()].filter((node) => node.node !== undefined);
  }

  groupIds(): GroupId[] {
    const groups = new Set<GroupId>();
    for (const node of this.servingNodes()) for (const replica of node.replicas) groups.add(replica.group);
    return [...groups].sort((a, b) => a - b);
  }

  trace(text: () => string): void {
    if (this.options.trace !== undefined) this.options.trace(`[${this.nowStep}] ${text()}`);
  }

  /** Power loss on one node: each sync in flight landed or not, a coin decides. */
  crash(id: NodeId): void {
    const node = this.node(id);
    this.crashes++;
    if (node.node === undefined) this.crashesWhileRecovering++;
    node.crash(() => this.random.chance(0.5));
  }

  restart(id: NodeId): void {
    if (this.retired.has(id)) throw new Error(`node ${id} was removed`);
    this.node(id).start();
  }

  /** The serving node that leads `group` in the highest term, if any. */
  leaderOf(group: GroupId): SimHost | undefined {
    let best: { node: SimHost; term: number } | undefined;
    for (const node of this.servingNodes()) {
      const replica = node.replica(group);
      if (replica === undefined) continue;
      const { term, role } = replica.raft.basicStatus();
      if (role === Role.LEADER && (best === undefined || term > best.term)) best = { node, term };
    }
    return best?.node;
  }

  async step(): Promise<void> {
    this.network.advance();
    for (const node of this.random.shuffle(this.upNodes())) if (!this.random.chance(this.skipTickProbability)) node.fireTimers();
    await this.settle();
    this.checkStep();
  }

  /** Runs queued turns and lands due syncs until every node is waiting on the next step. */
  async settle(): Promise<void> {
    for (let round = 0; round < SETTLE_ROUNDS_MAX; round++) {
      let busy = false;
      for (const node of this.upNodes()) if (node.runQueued() > 0) busy = true;
      for (const node of this.upNodes()) {
        if (node.landSyncs(this.nowStep, () => this.random.between(0, this.syncDelayStepsMax))) busy = true;
      }
      // Every microtask those started runs before this resolves: the round is over.
      await macrotask();
      this.throwFailure();
      if (!busy && !this.upNodes().some((node) => node.hasQueued)) return;
    }
  }

  private throwFailure(): void {
    const failure = this.failure;
    if (failure === undefined) return;
    throw failure.error instanceof Error ? failure.error : new Error(`node ${failure.node} failed: ${String(failure.error)}`);
  }

  /** Election safety from every replica's own report, and a fingerprint of the step for replay checks. */
  private checkStep(): void {
    this.traceHash.updateNumber(this.nowStep);
    for (const node of this.servingNodes()) {
      for (const replica of node.replicas) {
        const { term, role, commit, applied, lastIndex } = replica.raft.basicStatus();
        this.checkers.of(replica.group).onStatus(node.id, term, role);
        this.traceHash.updateNumber(node.id).updateNumber(replica.group).updateNumber(term).updateNumber(role);
        this.traceHash.updateNumber(commit).updateNumber(applied).updateNumber(lastIndex);
      }
    }
    this.traceHash.updateNumber(this.network.counters.delivered);
  }

  /** Every replica's state in one line per node, for a failure message. */
  describe(): string {
    return [...this.nodes.values()]
      .map((node) => {
        if (!node.isUp) return `n${node.id} down`;
        if (node.node === undefined) return `n${node.id} recovering`;
        const groups = node.replicas.map((replica) => {
          const { term, role, leader, commit, lastIndex, leadTransferee } = replica.raft.basicStatus();
          const conf = replica.raft.confState();
          const lastTerm = this.checkers.of(replica.group).logTermAt(node.id, lastIndex);
          const progress = role === Role.LEADER ? ` m=${(replica.raft.status().progress ?? []).map((peer) => `${peer.id}:${peer.match}/${peer.state}`).join(',')}` : '';
          return `g${replica.group}:${ROLE_LETTERS[role]}${term}${progress} lastTerm=${lastTerm}${leadTransferee === 0 ? '' : ` to=${leadTransferee}`} lead=${leader} c=${commit} a=${replica.appliedIndex} w=${replica.writtenIndex} last=${lastIndex}${replica.quiesced ? ' q' : ''} v=${conf.voters.join(",")}${conf.learners.length > 0 ? ` l=${conf.learners.join(",")}` : ""}`;
        });
        return `n${node.id} ${groups.join(' | ')}`;
      })
      .join('\n');
  }

  get fingerprint(): number {
    return this.traceHash.digest();
  }
}
