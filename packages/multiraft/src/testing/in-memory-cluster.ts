import { nodeId, Role, Xoshiro128 } from '@flotilla/raft';
import type { GroupId, NodeId } from '@flotilla/raft';
import { createKeyHasher } from '@flotilla/kv';
import type { KeyHasher } from '@flotilla/kv';
import { MemoryNodeStore, MemoryVolume } from '@flotilla/storage';
import type { NodeStore } from '@flotilla/storage';
import { logIndexesOn } from '@flotilla/storage/testing';
import { MemoryHub, MemoryTransport } from '@flotilla/transport';
import { assembleNode } from '../assemble-node.js';
import type { NodeConfig, RunningNode } from '../node-config.js';
import type { NodeLogger } from '../node-logger.js';
import type { GroupStatus } from '../service.js';

export interface InMemoryClusterOptions {
  readonly shards: number;
  /** Seeds every node's election timeouts; print it with any failure. */
  readonly seed: number;
  readonly nodes?: number;
  /** Overrides of the quick defaults below. */
  readonly config?: Partial<Omit<NodeConfig, 'id' | 'peers' | 'initialShards' | 'advertiseClientUrl'>>;
}

export interface LogLine {
  readonly node: NodeId;
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly fields: object;
  readonly message: string;
}

/** Fast enough for tests, slow enough that a busy 2-core machine does not cause needless elections. */
const QUICK_CONFIG = {
  dataDir: '/nonexistent',
  peerListen: { host: '127.0.0.1', port: 0 },
  clusterSecret: 'in-memory',
  tickIntervalMs: 10,
  electionTimeoutTicks: 10,
  heartbeatIntervalTicks: 1,
  snapshotThresholdEntries: 10_000,
  snapshotThresholdBytes: 64 * 1024 * 1024,
  maxPendingRequests: 1_000,
  maxPendingBytes: 64 * 1024 * 1024,
  requestTimeoutMs: 5_000,
  balanceIntervalMs: 5_000,
} as const;

const POLL_INTERVAL_MS = 5;
const DEFAULT_WAIT_MS = 10_000;

export const clientUrlOf = (id: NodeId): string => `http://node-${id}.test`;

/** Polls `check` until it gives a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  description: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/**
 * Whole nodes in one process: each on its own MemoryVolume (which survives a stop, so a
 * restart reopens a store on it) and a MemoryTransport on one shared MemoryHub.
 */
export class InMemoryCluster {
  readonly hub = new MemoryHub();
  readonly ids: readonly NodeId[];
  readonly log: LogLine[] = [];
  private readonly volumes = new Map<NodeId, MemoryVolume>();
  private readonly running = new Map<NodeId, RunningNode>();
  private readonly starts = new Map<NodeId, number>();
  private readonly config: Omit<NodeConfig, 'id' | 'advertiseClientUrl'>;

  private constructor(
    private readonly options: InMemoryClusterOptions,
    private readonly hasher: KeyHasher,
  ) {
    this.ids = Array.from({ length: options.nodes ?? 3 }, (_, i) => nodeId(i + 1));
    this.config = {
      ...QUICK_CONFIG,
      ...options.config,
      peers: new Map(this.ids.map((id) => [id, QUICK_CONFIG.peerListen])),
      initialShards: options.shards,
    };
    for (const id of this.ids) this.volumes.set(id, new MemoryVolume());
  }

  /** Starts every node and waits until each knows a leader for every group. */
  static async start(options: InMemoryClusterOptions): Promise<InMemoryCluster> {
    const cluster = new InMemoryCluster(options, await createKeyHasher());
    await Promise.all(cluster.ids.map((id) => cluster.startNode(id)));
    await cluster.waitReady();
    return cluster;
  }

  node(id: NodeId): RunningNode {
    const node = this.running.get(id);
    if (node === undefined) throw new Error(`node ${id} is not running`);
    return node;
  }

  isRunning(id: NodeId): boolean {
    return this.running.has(id);
  }

  get runningIds(): NodeId[] {
    return this.ids.filter((id) => this.running.has(id));
  }

  /**
   * Opens a store on the node's volume (fresh or left by an earlier run) and starts the node;
   * `wrapStore` may put a fault in front of the store.
   */
  async startNode(id: NodeId, wrapStore: (store: NodeStore) => NodeStore = (store) => store): Promise<RunningNode> {
    if (this.running.has(id)) throw new Error(`node ${id} is already running`);
    const volume = this.volumes.get(id);
    if (volume === undefined) throw new Error(`node ${id} is not a member`);
    const start = (this.starts.get(id) ?? 0) + 1;
    this.starts.set(id, start);
    const node = await assembleNode({
      config: { ...this.config, id, advertiseClientUrl: clientUrlOf(id) },
      logger: this.loggerOf(id),
      store: wrapStore(await MemoryNodeStore.open(volume)),
      transport: new MemoryTransport(this.hub, { self: id, peers: this.ids.filter((peer) => peer !== id) }),
      // Every start of every node draws its own timeouts, all derived from the one seed.
      random: new Xoshiro128(this.options.seed * 1_000 + id * 10 + start),
    });
    this.running.set(id, node);
    return node;
  }

  /** Graceful stop: the node hands its leaderships away and closes its store and transport. */
  async stopNode(id: NodeId): Promise<void> {
    const node = this.node(id);
    this.running.delete(id);
    await node.close();
  }

  async restartNode(id: NodeId, wrapStore?: (store: NodeStore) => NodeStore): Promise<RunningNode> {
    await this.stopNode(id);
    return this.startNode(id, wrapStore);
  }

  async close(): Promise<void> {
    await Promise.all(this.runningIds.map((id) => this.stopNode(id)));
  }

  groupIds(): GroupId[] {
    const first = this.runningIds[0];
    if (first === undefined) throw new Error('no node is running');
    return this.node(first).service.status().groups.map((group) => group.group);
  }

  groupStatus(id: NodeId, group: GroupId): GroupStatus {
    const status = this.node(id).service.status().groups.find((candidate) => candidate.group === group);
    if (status === undefined) throw new Error(`node ${id} does not host group ${group}`);
    return status;
  }

  /** The running node that leads `group` in the highest term any running node has seen, if any. */
  leaderOf(group: GroupId): NodeId | undefined {
    let best: GroupStatus | undefined;
    let bestNode: NodeId | undefined;
    for (const id of this.runningIds) {
      const status = this.groupStatus(id, group);
      if (status.role === Role.LEADER && (best === undefined || status.term > best.term)) {
        best = status;
        bestNode = id;
      }
    }
    return bestNode;
  }

  /** The group's leader; throws when no running node leads it. */
  requireLeader(group: GroupId): NodeId {
    const leader = this.leaderOf(group);
    if (leader === undefined) throw new Error(`group ${group} has no leader`);
    return leader;
  }

  /** Waits until every group on every running node has gone idle (quiesced). */
  async waitQuiesced(): Promise<void> {
    await waitFor('every group on every node to quiesce', () =>
      this.runningIds.every((id) => this.node(id).service.status().groups.every((group) => group.quiesced)) ? true : undefined,
    );
  }

  /** Cuts the group's leader off until `wanted` is elected (a few rounds: each election is random). */
  async isolateLeadersUntil(group: GroupId, wanted: NodeId): Promise<void> {
    for (let round = 1; this.leaderOf(group) !== wanted; round++) {
      if (round > 20) throw new Error(`node ${wanted} never won an election of group ${group}`);
      const isolated = this.requireLeader(group);
      this.hub.partition([isolated], this.ids.filter((id) => id !== isolated));
      await waitFor(`a new leader of group ${group} without node ${isolated}`, () => {
        const leader = this.leaderOf(group);
        return leader !== undefined && leader !== isolated ? true : undefined;
      });
      this.hub.heal();
      await this.waitReady();
    }
  }

  /** The log indexes the node's store has written for `group`, read off its volume. */
  storedLogIndexes(id: NodeId, group: GroupId): number[] {
    const volume = this.volumes.get(id);
    if (volume === undefined) throw new Error(`node ${id} is not a member`);
    return logIndexesOn(volume.disk, group);
  }

  /** Waits until every running node is ready and every group has a running leader they all agree on. */
  async waitReady(timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await waitFor(
      'every group to have one leader that all running nodes know',
      () => {
        for (const group of this.groupIds()) {
          const leader = this.leaderOf(group);
          if (leader === undefined) return undefined;
          for (const id of this.runningIds) {
            if (!this.node(id).service.isReady() || this.groupStatus(id, group).leader !== leader) return undefined;
          }
        }
        return true;
      },
      timeoutMs,
    );
  }

  /** The group that owns `key`, by the hash ranges the nodes report. */
  groupOfKey(key: Uint8Array): GroupId {
    const hash = this.hasher.hash(key);
    const first = this.runningIds[0];
    if (first === undefined) throw new Error('no node is running');
    const owner = this.node(first)
      .service.status()
      .groups.find((group) => BigInt(group.range.start) <= hash && hash < BigInt(group.range.end));
    if (owner === undefined) throw new Error(`no group owns hash ${hash}`);
    return owner.group;
  }

  /** `count` distinct keys `${prefix}${n}` that all land in `group`. */
  keysInGroup(group: GroupId, count: number, prefix: string): Uint8Array[] {
    const keys: Uint8Array[] = [];
    for (let n = 0; keys.length < count; n++) {
      if (n > count * 1_000) throw new Error(`could not find ${count} keys in group ${group}`);
      const key = bytes(`${prefix}${n}`);
      if (this.groupOfKey(key) === group) keys.push(key);
    }
    return keys;
  }

  private loggerOf(node: NodeId): NodeLogger {
    const line =
      (level: LogLine['level']) =>
      (fields: object, message: string): void => {
        if (level !== 'debug') this.log.push({ node, level, fields, message });
      };
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  }
}

/**
 * Holds back the files of the snapshots a store takes: each is taken at once (so it shows the
 * state of that moment) and handed over on `release`, or when the store closes.
 */
export function gatedSnapshots(): { wrap: (store: NodeStore) => NodeStore; started: () => boolean; release: () => void } {
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = false;
  const wrap = (store: NodeStore): NodeStore =>
    new Proxy(store, {
      get(target, property) {
        if (property === 'createSnapshot') {
          return (...args: Parameters<NodeStore['createSnapshot']>) => {
            started = true;
            const file = target.createSnapshot(...args);
            return gate.then(() => file);
          };
        }
        if (property === 'close') {
          return () => {
            release();
            return target.close();
          };
        }
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return { wrap, started: () => started, release: () => release() };
}

export const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (value: Uint8Array): string => new TextDecoder().decode(value);
