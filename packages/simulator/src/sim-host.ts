import { assembleNode } from '@flotilla/multiraft';
import type { AssembledNode, NodeConfig, NodeLogger, Replica } from '@flotilla/multiraft';
import type { GroupId, NodeId } from '@flotilla/raft';
import { MemoryNodeStore, MemoryVolume } from '@flotilla/storage';
import { MemoryTransport } from '@flotilla/transport';
import type { OutgoingFrame } from '@flotilla/transport';
import type { Xoshiro128 } from '@flotilla/raft';
import type { SimNetwork } from '@flotilla/testkit';
import type { GroupCheckers } from './group-checkers.js';
import { ManualTime } from './manual-time.js';

/** What a node shares with the rest of the simulation. */
export interface HostEnvironment {
  readonly network: SimNetwork;
  readonly checkers: GroupCheckers;
  /** Every node's settings but its id and peers. */
  readonly config: Omit<NodeConfig, 'id' | 'peers' | 'advertiseClientUrl'>;
  /** The founding nodes: a founder that lost its bootstrap writes founds the same cluster again. */
  readonly founders: readonly NodeId[];
  /** Every node of the cluster (this one included): the transport's peers. */
  nodeIds(): readonly NodeId[];
  nowMs(): number;
  /** A live node hit a broken invariant: the run fails. */
  fatal(node: NodeId, error: unknown): void;
  trace(text: () => string): void;
}

/** One life of the process, from a start to a crash. */
interface Life {
  readonly time: ManualTime;
  readonly transport: MemoryTransport<OutgoingFrame>;
  /** Set once the node has recovered from its volume and runs; undefined while it starts. */
  node: AssembledNode | undefined;
  /** Groups this life reported started to the checkers. */
  readonly started: Set<GroupId>;
  /** When the syncs the process waits for land; undefined while none is held. */
  syncLandsAtStep: number | undefined;
}

const silent: NodeLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const clientUrlOf = (id: NodeId): string => `sim://node-${id}`;

/**
 * One simulated machine running the real node (host, service, router, forwarding, reads) as
 * a server would: its store on a volume that outlives the process (syncs held until the
 * simulation lands them, lost in a power cut), its transport on the simulated network, its
 * clock and timers stepped by the simulation. Recovery runs on the same held syncs, so a crash
 * can strike while the node starts.
 */
export class SimHost {
  readonly volume = new MemoryVolume();
  private life: Life | undefined;
  private starts = 0;

  constructor(
    readonly id: NodeId,
    private readonly random: Xoshiro128,
    private readonly env: HostEnvironment,
  ) {
    this.volume.syncs.holding = true;
  }

  get isUp(): boolean {
    return this.life !== undefined;
  }

  /** Recovered and serving. */
  get node(): AssembledNode | undefined {
    return this.life?.node;
  }

  get replicas(): readonly Replica[] {
    const node = this.life?.node;
    return node === undefined ? [] : [...node.host.replicas.values()];
  }

  replica(group: GroupId): Replica | undefined {
    return this.life?.node?.host.replicas.get(group);
  }

  /** Boots the process; it recovers as the simulation runs its turns and lands its syncs. */
  start(): void {
    if (this.life !== undefined) throw new Error(`node ${this.id} is already up`);
    const env = this.env;
    const time = new ManualTime(() => env.nowMs());
    const peers = env.nodeIds().filter((id) => id !== this.id);
    const transport = new MemoryTransport(env.network, { self: this.id, peers });
    const life: Life = { time, transport, node: undefined, started: new Set(), syncLandsAtStep: undefined };
    this.life = life;
    const alive = (): boolean => this.life === life;
    const start = ++this.starts;
    const config: NodeConfig = {
      ...env.config,
      id: this.id,
      peers: new Map(env.founders.map((id) => [id, { host: 'sim', port: id }])),
      advertiseClientUrl: clientUrlOf(this.id),
    };
    env.trace(() => `start n${this.id} (#${start})`);
    void MemoryNodeStore.open(this.volume)
      .then((store) =>
        assembleNode({
          config,
          logger: silent,
          store,
          transport,
          random: this.random.fork(),
          time,
          onFatal: (error) => {
            if (alive()) env.fatal(this.id, error);
          },
          observer: env.checkers.observerOf(this.id, alive, life.started),
        }),
      )
      .then(
        (node) => {
          if (!alive()) return;
          life.node = node;
          env.trace(() => `n${this.id} recovered and serving`);
        },
        (error: unknown) => {
          if (alive()) env.fatal(this.id, error);
        },
      );
  }

  /**
   * Power loss, during recovery too: the process and its requests are gone; syncs in flight
   * landed or not as `landed` decides; unsynced writes are lost.
   */
  crash(landed: () => boolean): void {
    const life = this.life;
    if (life === undefined) throw new Error(`node ${this.id} is not up`);
    this.life = undefined;
    life.time.stop();
    void life.transport.close();
    const inFlight: string[] = [];
    this.volume.crash(() => {
      const reached = landed();
      inFlight.push(reached ? 'landed' : 'lost');
      return reached;
    });
    for (const group of life.started) this.env.checkers.of(group).onStop(this.id);
    this.env.trace(() => `crash n${this.id}${life.node === undefined ? ' while recovering' : ''}${inFlight.length === 0 ? '' : ` (syncs in flight: ${inFlight.join(' ')})`}`);
  }

  /** The clock moved: timers due now fire (ticks, hellos, deadlines). */
  fireTimers(): void {
    this.life?.time.fireDue();
  }

  /** Runs the turns queued so far; how many ran. */
  runQueued(): number {
    return this.life?.time.runQueued() ?? 0;
  }

  get hasQueued(): boolean {
    return this.life?.time.hasQueued ?? false;
  }

  /**
   * Lands the held syncs once due; a sync newly found held is due `delaySteps()` steps from now
   * (at once for 0). True if syncs landed.
   */
  landSyncs(nowStep: number, delaySteps: () => number): boolean {
    const life = this.life;
    const { syncs } = this.volume;
    if (life === undefined || syncs.heldCount === 0) return false;
    life.syncLandsAtStep ??= nowStep + delaySteps();
    if (nowStep < life.syncLandsAtStep) return false;
    life.syncLandsAtStep = undefined;
    syncs.landAll();
    return true;
  }

  /** The cluster grew: the transport must know the new node. */
  knowPeers(ids: readonly NodeId[]): void {
    this.life?.transport.setPeers(new Map(ids.filter((id) => id !== this.id).map((id) => [id, { host: 'sim', port: id }])));
  }
}
