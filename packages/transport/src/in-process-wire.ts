import type { NodeId } from '@flotilla/raft';
import type { FrameCodec } from './frame-codec.js';
import type { Lane } from './handshake.js';
import type { Scheduler } from './scheduler.js';

/** A frame between two transports of one process. */
export interface WireFrame<Payload> {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly lane: Lane;
  readonly payload: Payload;
  /** The payload's size on a real wire (see EncodedFrame), for the receiver's counters. */
  readonly bytes: number;
}

/** What a transport gives the wire when it attaches. */
export interface WireEndpoint<Payload> {
  receive(frame: WireFrame<Payload>): void;
  /** `peer` went away (closed, crashed or cut off) and this node noticed: fail calls waiting on it. */
  lost(peer: NodeId, reason: string): void;
}

/** Put on the wire; lost on it silently (the sender cannot tell); refused, and the sender knows. */
export type TransmitOutcome = 'sent' | 'lost' | 'refused';

/** What the wire gives an attached transport: its side of the wire. */
export interface WirePort<Payload> {
  canReach(to: NodeId): boolean;
  /** `settled` runs when a sent frame leaves the wire, delivered or not (its queue slot frees then). */
  transmit(frame: WireFrame<Payload>, settled: () => void): TransmitOutcome;
  detach(): void;
}

/**
 * The wire between transports of one process, with its own faults and clock: MemoryHub for host
 * tests, the simulator's network for seeded runs. It names the codec its frames are in.
 */
export interface InProcessWire<Payload> {
  readonly codec: FrameCodec<Payload>;
  /** Drives the call deadlines of the transports on it, so that tests can step time. */
  readonly scheduler: Scheduler;
  attach(node: NodeId, endpoint: WireEndpoint<Payload>): WirePort<Payload>;
}
