import type { Message, NodeId, Xoshiro128 } from '@flotilla/raft';
import { DataFrameKind, objectFrameCodec } from '@flotilla/transport';
import type { InProcessWire, OutgoingFrame, Scheduler, TransmitOutcome, WireEndpoint, WireFrame, WirePort } from '@flotilla/transport';
import { LinkFaults } from './link-faults.js';

/** A frame on the simulated wire: it carries the objects, never encoded. */
type Frame = WireFrame<OutgoingFrame>;

/** How unreliable the network is; all probabilities are per frame. */
export interface NetworkProfile {
  readonly latencyMinSteps: number;
  readonly latencyMaxSteps: number;
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** A few frames are held back far longer: stale messages arriving terms later find the bugs. */
  readonly longDelayProbability: number;
  readonly longDelayStepsMax: number;
  /**
   * When a link is down (cut, or the peer is not running), the chance that a sender notices
   * (a refused connection, reported unreachable) rather than losing its frame silently.
   */
  readonly reportUnreachableProbability: number;
}

/** The network of a liveness phase: the run's latencies, short, with nothing lost, duplicated or held back. */
export const healedNetwork = (profile: NetworkProfile): NetworkProfile => ({
  ...profile,
  latencyMinSteps: 1,
  latencyMaxSteps: 2,
  dropProbability: 0,
  duplicateProbability: 0,
  longDelayProbability: 0,
  reportUnreachableProbability: 0,
});

export const RELIABLE_NETWORK: NetworkProfile = {
  latencyMinSteps: 1,
  latencyMaxSteps: 1,
  dropProbability: 0,
  duplicateProbability: 0,
  longDelayProbability: 0,
  longDelayStepsMax: 0,
  reportUnreachableProbability: 1,
};

interface InFlight {
  readonly frame: Frame;
  readonly deliverAtStep: number;
  /** Send order, to break ties between frames due at the same step deterministically. */
  readonly sequence: number;
  /** Frees the sender's queue slot when the frame leaves the wire; absent on a duplicate. */
  readonly settled: (() => void) | undefined;
}

interface Timer {
  readonly atStep: number;
  readonly sequence: number;
  readonly run: () => void;
}

/** Counted in Raft messages, so that runs of different framing compare. */
export interface NetworkCounters {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

const byStepThenSequence = (a: { atStep: number; sequence: number }, b: { atStep: number; sequence: number }): number =>
  a.atStep - b.atStep || a.sequence - b.sequence;

/**
 * The wire between simulated transports, in discrete steps: each frame is delayed by a random
 * number of steps (so frames reorder), dropped, duplicated, or refused on a cut link both at
 * send and at delivery time. Time is the network's step count, so call deadlines run on it too.
 */
export class SimNetwork implements InProcessWire<OutgoingFrame> {
  readonly codec = objectFrameCodec;
  readonly links = new LinkFaults();
  readonly counters: NetworkCounters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
  /**
   * Scripted scenarios steer single messages: return the message (possibly altered) to send
   * it, or undefined to drop it (a frame left empty is lost).
   */
  intercept: ((message: Message) => Message | undefined) | undefined;
  /** Timers in steps behind the transports' millisecond deadlines. */
  readonly scheduler: Scheduler = { after: (delayMs, run) => this.after(delayMs, run) };
  private readonly endpoints = new Map<NodeId, WireEndpoint<OutgoingFrame>>();
  private inflight: InFlight[] = [];
  private timers: Timer[] = [];
  private nextSequence = 0;
  private step = 0;

  constructor(
    private readonly random: Xoshiro128,
    public profile: NetworkProfile,
    /** How many milliseconds of a transport's deadline one step stands for. */
    readonly msPerStep = 1,
  ) {
    if (profile.latencyMinSteps < 0 || profile.latencyMaxSteps < profile.latencyMinSteps) {
      throw new RangeError(`bad latency range [${profile.latencyMinSteps}, ${profile.latencyMaxSteps}]`);
    }
    if (!(msPerStep > 0)) throw new RangeError(`msPerStep must be positive, got ${msPerStep}`);
  }

  get nowStep(): number {
    return this.step;
  }

  attach(node: NodeId, endpoint: WireEndpoint<OutgoingFrame>): WirePort<OutgoingFrame> {
    if (this.endpoints.has(node)) throw new Error(`node ${node} is already on the network`);
    this.endpoints.set(node, endpoint);
    return {
      canReach: (to) => this.canReach(node, to),
      transmit: (frame, settled) => this.transmit(frame, settled),
      detach: () => {
        if (this.endpoints.get(node) === endpoint) this.detach(node);
      },
    };
  }

  /** The node left: frames still travelling to it are lost, and peers that notice are told. */
  private detach(node: NodeId): void {
    this.endpoints.delete(node);
    this.inflight = this.inflight.filter((item) => {
      if (item.frame.to !== node) return true;
      this.lose(item);
      return false;
    });
    for (const endpoint of [...this.endpoints.values()]) {
      if (this.random.chance(this.profile.reportUnreachableProbability)) endpoint.lost(node, 'peer left the network');
    }
  }

  private canReach(from: NodeId, to: NodeId): boolean {
    return this.endpoints.has(to) && !this.links.isCut(from, to);
  }

  /** The frame as a scripted scenario lets it through: undefined when it dropped every message. */
  private intercepted(frame: Frame): Frame | undefined {
    const intercept = this.intercept;
    if (intercept === undefined || frame.payload.kind !== DataFrameKind.RAFT) return frame;
    const kept: Message[] = [];
    for (const message of frame.payload.messages) {
      const altered = intercept(message);
      if (altered === undefined) this.counters.dropped++;
      else kept.push(altered);
    }
    return kept.length === 0 ? undefined : { ...frame, payload: { kind: DataFrameKind.RAFT, messages: kept } };
  }

  /** `settled` runs when a sent frame leaves the wire, delivered or not. */
  private transmit(sent: Frame, settled: () => void): TransmitOutcome {
    this.counters.sent += messageCount(sent);
    const frame = this.intercepted(sent);
    if (frame === undefined) return 'lost';
    const messages = messageCount(frame);
    if (!this.canReach(frame.from, frame.to)) {
      this.counters.dropped += messages;
      return this.random.chance(this.profile.reportUnreachableProbability) ? 'refused' : 'lost';
    }
    if (this.random.chance(this.profile.dropProbability)) {
      this.counters.dropped += messages;
      return 'lost';
    }
    this.enqueue(frame, settled);
    // Raft tolerates a duplicated message; a call is delivered at most once, as TCP does.
    if (frame.payload.kind === DataFrameKind.RAFT && this.random.chance(this.profile.duplicateProbability)) {
      this.counters.duplicated += messages;
      this.enqueue(frame, undefined);
    }
    return 'sent';
  }

  private enqueue(frame: Frame, settled: (() => void) | undefined): void {
    const latencySteps = this.random.chance(this.profile.longDelayProbability)
      ? this.random.between(this.profile.latencyMaxSteps, this.profile.longDelayStepsMax)
      : this.random.between(this.profile.latencyMinSteps, this.profile.latencyMaxSteps);
    this.inflight.push({ frame, deliverAtStep: this.step + latencySteps, sequence: this.nextSequence++, settled });
  }

  private lose(item: InFlight): void {
    this.counters.dropped += messageCount(item.frame);
    item.settled?.();
  }

  /** One step of time: delivers the frames due, in order, then fires the timers due. */
  advance(): void {
    this.step++;
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const item of this.inflight) (item.deliverAtStep <= this.step ? due : later).push(item);
    this.inflight = later;
    due.sort((a, b) => a.deliverAtStep - b.deliverAtStep || a.sequence - b.sequence);
    for (const item of due) {
      const endpoint = this.endpoints.get(item.frame.to);
      if (endpoint === undefined || this.links.isCut(item.frame.from, item.frame.to)) {
        this.lose(item);
        continue;
      }
      this.counters.delivered += messageCount(item.frame);
      item.settled?.();
      endpoint.receive(item.frame);
    }
    const fired = this.timers.filter((timer) => timer.atStep <= this.step).sort(byStepThenSequence);
    if (fired.length === 0) return;
    this.timers = this.timers.filter((timer) => timer.atStep > this.step);
    for (const timer of fired) timer.run();
  }

  private after(delayMs: number, run: () => void): () => void {
    const timer: Timer = { atStep: this.step + Math.max(1, Math.ceil(delayMs / this.msPerStep)), sequence: this.nextSequence++, run };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((other) => other !== timer);
    };
  }

  get inflightCount(): number {
    return this.inflight.length;
  }
}

const messageCount = (frame: Frame): number => (frame.payload.kind === DataFrameKind.RAFT ? frame.payload.messages.length : 0);
