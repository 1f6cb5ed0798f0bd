import type { NodeId } from '@flotilla/raft';
import type { Lane } from './handshake.js';
import { realScheduler } from './scheduler.js';
import type { Scheduler } from './scheduler.js';

/** Faults on the one-way link from one node to another. */
export interface LinkFaults {
  /** Chance in [0, 1] that a frame silently vanishes (as a lost packet would; no unreachable report). */
  readonly dropProbability?: number;
  /** Extra delivery delay. */
  readonly delayMs?: number;
}

export interface MemoryHubOptions {
  /** Uniform in [0, 1), deciding drops; pass a seeded one for replayable tests. */
  readonly random?: () => number;
  /** Drives every delivery and call deadline, so a test can step time by hand. */
  readonly scheduler?: Scheduler;
}

/** What a MemoryTransport gives the hub when it joins. */
export interface HubEndpoint {
  receive(from: NodeId, payload: Uint8Array, lane: Lane): void;
  /** `peer` went away (closed or partitioned off): fail calls waiting on it. */
  lost(peer: NodeId, reason: string): void;
}

/** What the hub gives a MemoryTransport: its side of the wire. */
export interface HubPort {
  canReach(to: NodeId): boolean;
  /** Delivers after the link's delay unless dropped; `settled` runs either way at delivery time (the queue slot frees). */
  transmit(to: NodeId, payload: Uint8Array, lane: Lane, settled: () => void): void;
  readonly scheduler: Scheduler;
  leave(): void;
}

/**
 * The wire between in-process transports, with fault injection: per-link drop and delay, and
 * partitions. Frames are real encoded frames, so host tests exercise the codec too.
 */
export class MemoryHub {
  private readonly endpoints = new Map<NodeId, HubEndpoint>();
  private readonly faults = new Map<string, LinkFaults>();
  private sideOf = new Map<NodeId, number>();
  private readonly random: () => number;
  private readonly scheduler: Scheduler;

  constructor(options: MemoryHubOptions = {}) {
    this.random = options.random ?? Math.random;
    this.scheduler = options.scheduler ?? realScheduler;
  }

  join(node: NodeId, endpoint: HubEndpoint): HubPort {
    if (this.endpoints.has(node)) {
      throw new Error(`node ${node} is already on this hub`);
    }
    this.endpoints.set(node, endpoint);
    return {
      canReach: (to) => this.canReach(node, to),
      transmit: (to, payload, lane, settled) => this.transmit(node, to, payload, lane, settled),
      scheduler: this.scheduler,
      leave: () => {
        if (this.endpoints.get(node) === endpoint) {
          this.endpoints.delete(node);
          this.notifyLost((peer) => peer !== node, node, 'peer closed');
        }
      },
    };
  }

  setLinkFaults(from: NodeId, to: NodeId, faults: LinkFaults): void {
    const { dropProbability = 0, delayMs = 0 } = faults;
    if (!(dropProbability >= 0 && dropProbability <= 1) || !(delayMs >= 0 && Number.isFinite(delayMs))) {
      throw new RangeError(`invalid link faults ${JSON.stringify(faults)}`);
    }
    this.faults.set(`${from}>${to}`, { dropProbability, delayMs });
  }

  clearLinkFaults(): void {
    this.faults.clear();
  }

  /**
   * Nodes on different sides cannot reach each other; nodes named on no side form one more
   * side together. Calls waiting across the cut fail and both ends hear "unreachable".
   */
  partition(...sides: readonly (readonly NodeId[])[]): void {
    this.sideOf = new Map(sides.flatMap((side, index) => side.map((node) => [node, index] as const)));
    for (const node of this.endpoints.keys()) {
      this.notifyLost((peer) => !this.canReach(peer, node), node, 'partitioned');
    }
  }

  heal(): void {
    this.sideOf = new Map();
  }

  private canReach(from: NodeId, to: NodeId): boolean {
    return this.endpoints.has(to) && this.sideOf.get(from) === this.sideOf.get(to);
  }

  private transmit(from: NodeId, to: NodeId, payload: Uint8Array, lane: Lane, settled: () => void): void {
    const faults = this.faults.get(`${from}>${to}`);
    const dropped = faults?.dropProbability !== undefined && faults.dropProbability > 0 && this.random() < faults.dropProbability;
    this.scheduler.after(faults?.delayMs ?? 0, () => {
      settled();
      // A frame in flight is lost when its sender left, or a partition came up meanwhile.
      if (!dropped && this.endpoints.has(from) && this.canReach(from, to)) {
        this.endpoints.get(to)?.receive(from, payload, lane);
      }
    });
  }

  private notifyLost(affected: (node: NodeId) => boolean, lostPeer: NodeId, reason: string): void {
    for (const [node, endpoint] of this.endpoints) {
      if (affected(node)) {
        endpoint.lost(lostPeer, reason);
      }
    }
  }
}
