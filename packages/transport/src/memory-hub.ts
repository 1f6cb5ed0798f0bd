import type { NodeId } from '@flotilla/raft';
import { byteFrameCodec } from './byte-frame-codec.js';
import type { InProcessWire, TransmitOutcome, WireEndpoint, WireFrame, WirePort } from './in-process-wire.js';
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

/**
 * The wire between in-process transports, with fault injection: per-link drop and delay, and
 * partitions. Frames are real encoded frames, so host tests exercise the codec too.
 */
export class MemoryHub implements InProcessWire<Uint8Array> {
  readonly codec = byteFrameCodec;
  readonly scheduler: Scheduler;
  private readonly endpoints = new Map<NodeId, WireEndpoint<Uint8Array>>();
  private readonly faults = new Map<string, LinkFaults>();
  private sideOf = new Map<NodeId, number>();
  private readonly random: () => number;

  constructor(options: MemoryHubOptions = {}) {
    this.random = options.random ?? Math.random;
    this.scheduler = options.scheduler ?? realScheduler;
  }

  attach(node: NodeId, endpoint: WireEndpoint<Uint8Array>): WirePort<Uint8Array> {
    if (this.endpoints.has(node)) {
      throw new Error(`node ${node} is already on this hub`);
    }
    this.endpoints.set(node, endpoint);
    return {
      canReach: (to) => this.canReach(node, to),
      transmit: (frame, settled) => this.transmit(frame, settled),
      detach: () => {
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

  /** A dropped frame still holds its queue slot until its delivery time, as a lost packet would. */
  private transmit(frame: WireFrame<Uint8Array>, settled: () => void): TransmitOutcome {
    const { from, to } = frame;
    if (!this.canReach(from, to)) {
      return 'refused';
    }
    const faults = this.faults.get(`${from}>${to}`);
    const dropped = faults?.dropProbability !== undefined && faults.dropProbability > 0 && this.random() < faults.dropProbability;
    this.scheduler.after(faults?.delayMs ?? 0, () => {
      settled();
      // A frame in flight is lost when its sender left, or a partition came up meanwhile.
      if (!dropped && this.endpoints.has(from) && this.canReach(from, to)) {
        this.endpoints.get(to)?.receive(frame);
      }
    });
    return 'sent';
  }

  private notifyLost(affected: (node: NodeId) => boolean, lostPeer: NodeId, reason: string): void {
    for (const [node, endpoint] of this.endpoints) {
      if (affected(node)) {
        endpoint.lost(lostPeer, reason);
      }
    }
  }
}
