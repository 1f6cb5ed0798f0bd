import type { Message, NodeId } from '@flotilla/raft';
import { byteFrameCodec } from './byte-frame-codec.js';
import { FrameTooLargeError, PeerUnreachableError, TransportClosedError } from './errors.js';
import type { EncodedFrame, FrameCodec } from './frame-codec.js';
import { Lane } from './handshake.js';
import type { TransportLimits } from './limits.js';
import { encodeOutgoing } from './outgoing-batch.js';
import type { EncodedBatch } from './outgoing-batch.js';
import { PeerCounterTable } from './peer-counters.js';
import type { PeerCounters } from './peer-counters.js';
import type { PendingCalls } from './pending-calls.js';
import { serveCall } from './serve-call.js';
import type { CallHandler, RaftHandler, UnreachableHandler } from './transport.js';
import { UnreachableReporter } from './unreachable-reporter.js';
import { DataFrameKind } from './wire-codec.js';

/** Calls being served for one source: a peer, or one inbound connection. */
export interface IncomingCalls {
  running: number;
}

/**
 * What every transport shares: a Raft send is checked, encoded into frames and counted the same
 * way; a call is encoded, bounded and served the same way; the host's handlers are kept the
 * same way. A subclass owns its lifecycle, its peers and the queues the frames go into;
 * `codec` says what a frame is on its wire.
 */
export abstract class FrameTransportBase<Payload> {
  abstract readonly self: NodeId;
  abstract readonly limits: TransportLimits;
  protected state: 'new' | 'running' | 'closed' = 'new';
  protected readonly counterTable = new PeerCounterTable();
  protected readonly unreachable = new UnreachableReporter();
  protected abstract readonly pendingCalls: PendingCalls;
  private raftHandler: RaftHandler = () => {};
  private callHandler: CallHandler | undefined;

  protected constructor(protected readonly codec: FrameCodec<Payload>) {}

  sendRaft(to: NodeId, messages: readonly Message[]): void {
    if (this.state === 'new') {
      throw new TransportClosedError();
    }
    if (messages.length === 0) {
      return;
    }
    // Checked even after close: a misaddressed batch is a host bug, whenever it comes.
    const frames = encodeOutgoing(this.codec, this.self, to, messages, this.limits.maxFrameBytes);
    if (this.state === 'closed') {
      this.counterTable.of(to).messagesDropped += messages.length;
      return;
    }
    this.enqueueAll(to, Lane.MAIN, frames.main);
    this.enqueueAll(to, Lane.SNAPSHOT, frames.snapshot);
  }

  onRaft(handler: RaftHandler): void {
    this.raftHandler = handler;
  }

  onCall(handler: CallHandler): void {
    this.callHandler = handler;
  }

  onUnreachable(handler: UnreachableHandler): void {
    this.unreachable.setHandler(handler);
  }

  counters(peer: NodeId): Readonly<PeerCounters> {
    return this.counterTable.of(peer);
  }

  countersByPeer(): ReadonlyMap<NodeId, Readonly<PeerCounters>> {
    return this.counterTable.all();
  }

  /** Hands a received batch to the host. */
  protected deliverRaft(from: NodeId, messages: Message[]): void {
    this.raftHandler(from, messages);
  }

  /**
   * Starts a call whose request `send` hands to the wire. `send` says why nothing left this node,
   * and the call then fails at once as unreachable; undefined when the request left.
   */
  protected startCall(to: NodeId, body: Uint8Array, timeoutMs: number, send: (request: EncodedFrame<Payload>) => string | undefined): Promise<Uint8Array> {
    const { callId, answer } = this.pendingCalls.begin(to, timeoutMs);
    const request = this.codec.encode({ kind: DataFrameKind.CALL_REQUEST, callId, body });
    if (request.bytes > this.limits.maxFrameBytes) {
      this.pendingCalls.fail(callId, new FrameTooLargeError(request.bytes, this.limits.maxFrameBytes));
      return answer;
    }
    const refused = send(request);
    if (refused !== undefined) {
      this.pendingCalls.fail(callId, new PeerUnreachableError(to, refused, false));
    }
    return answer;
  }

  /** Runs the host's handler for a call from `from` and hands `reply` its answer, within the incoming-call bound. */
  protected serveIncoming(from: NodeId, callId: number, body: Uint8Array, calls: IncomingCalls, reply: (answer: EncodedFrame<Payload>) => void): void {
    if (calls.running >= this.limits.maxIncomingCalls) {
      const message = `node ${this.self} is already serving ${calls.running} calls from node ${from}`;
      reply(this.codec.encode({ kind: DataFrameKind.CALL_ERROR, callId, message }));
      return;
    }
    calls.running += 1;
    void serveCall(this.codec, this.callHandler, from, callId, body, this.limits.maxFrameBytes).then((answer) => {
      calls.running -= 1;
      reply(answer);
    });
  }

  /** Queues the batches for `to` on `lane`; one that cannot be queued is dropped, counted and reported. */
  protected abstract enqueueAll(to: NodeId, lane: Lane, batches: readonly EncodedBatch<Payload>[]): void;
}

/** The base of a transport whose frames are the encoded bytes on a real wire. */
export abstract class TransportBase extends FrameTransportBase<Uint8Array> {
  protected constructor() {
    super(byteFrameCodec);
  }
}
