import type { Message, NodeId } from '@flotilla/raft';
import type { Xoshiro128 } from '../random/xoshiro128.js';
import { LinkFaults } from './link-faults.js';

/** How unreliable the network is; all probabilities are per message. */
export interface NetworkProfile {
  readonly latencyMinSteps: number;
  readonly latencyMaxSteps: number;
  readonly dropProbability: number;
  readonly duplicateProbability: number;
  /** A few messages are held back far longer: stale messages arriving terms later find the bugs. */
  readonly longDelayProbability: number;
  readonly longDelayStepsMax: number;
  /** Bounded buffers: beyond this many messages in flight, new ones are dropped. */
  readonly maxInflightMessages: number;
}

export const RELIABLE_NETWORK: NetworkProfile = {
  latencyMinSteps: 1,
  latencyMaxSteps: 1,
  dropProbability: 0,
  duplicateProbability: 0,
  longDelayProbability: 0,
  longDelayStepsMax: 0,
  maxInflightMessages: 100_000,
};

interface InFlight {
  readonly message: Message;
  readonly deliverAtStep: number;
  /** Send order, to break ties between messages due at the same step deterministically. */
  readonly sequence: number;
}

export interface NetworkCounters {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
}

/**
 * A message network that delays each message by a random number of steps (so messages
 * reorder), drops, duplicates, and refuses cut links both at send and at delivery time.
 */
export class SimNetwork {
  readonly links = new LinkFaults();
  readonly counters: NetworkCounters = { sent: 0, delivered: 0, dropped: 0, duplicated: 0 };
  /**
   * Scripted scenarios steer single messages: return the message (possibly altered) to send
   * it, or undefined to drop it.
   */
  intercept: ((message: Message) => Message | undefined) | undefined;
  private inflight: InFlight[] = [];
  private nextSequence = 0;

  constructor(
    private readonly random: Xoshiro128,
    public profile: NetworkProfile,
  ) {
    if (profile.latencyMinSteps < 0 || profile.latencyMaxSteps < profile.latencyMinSteps) {
      throw new RangeError(`bad latency range [${profile.latencyMinSteps}, ${profile.latencyMaxSteps}]`);
    }
  }

  /** Returns false when the message is lost at once (a cut link or a random drop). */
  send(original: Message, nowStep: number): boolean {
    this.counters.sent++;
    const message = this.intercept === undefined ? original : this.intercept(original);
    if (message === undefined || this.links.isCut(message.from, message.to) || this.random.chance(this.profile.dropProbability)) {
      this.counters.dropped++;
      return false;
    }
    this.enqueue(message, nowStep);
    if (this.random.chance(this.profile.duplicateProbability)) {
      this.counters.duplicated++;
      this.enqueue(message, nowStep);
    }
    return true;
  }

  private enqueue(message: Message, nowStep: number): void {
    if (this.inflight.length >= this.profile.maxInflightMessages) {
      this.counters.dropped++;
      return;
    }
    const latencySteps = this.random.chance(this.profile.longDelayProbability)
      ? this.random.between(this.profile.latencyMaxSteps, this.profile.longDelayStepsMax)
      : this.random.between(this.profile.latencyMinSteps, this.profile.latencyMaxSteps);
    this.inflight.push({ message, deliverAtStep: nowStep + latencySteps, sequence: this.nextSequence++ });
  }

  /** Removes and returns the messages due by `nowStep`, in delivery order. */
  takeDue(nowStep: number): Message[] {
    const due: InFlight[] = [];
    const later: InFlight[] = [];
    for (const item of this.inflight) (item.deliverAtStep <= nowStep ? due : later).push(item);
    this.inflight = later;
    due.sort((a, b) => a.deliverAtStep - b.deliverAtStep || a.sequence - b.sequence);
    const delivered: Message[] = [];
    for (const { message } of due) {
      if (this.links.isCut(message.from, message.to)) {
        this.counters.dropped++;
      } else {
        this.counters.delivered++;
        delivered.push(message);
      }
    }
    return delivered;
  }

  /** Loses everything addressed to a crashed `node`; what it sent before is already on the wire. */
  dropFor(node: NodeId): void {
    const before = this.inflight.length;
    this.inflight = this.inflight.filter(({ message }) => message.to !== node);
    this.counters.dropped += before - this.inflight.length;
  }

  get inflightCount(): number {
    return this.inflight.length;
  }
}
