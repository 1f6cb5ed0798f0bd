import type { NodeId } from '@flotilla/raft';
import { checkCallArguments } from './call-arguments.js';
import { PeerUnreachableError, TransportClosedError } from './errors.js';
import type { EncodedFrame } from './frame-codec.js';
import { FRAME_HEADER_BYTES } from './framing.js';
import { Lane } from './handshake.js';
import type { InProcessWire, TransmitOutcome, WireFrame, WirePort } from './in-process-wire.js';
import { resolveLimits } from './limits.js';
import type { TransportLimits } from './limits.js';
import type { EncodedBatch } from './outgoing-batch.js';
import { PendingCalls } from './pending-calls.js';
import type { PeerAddress, Transport } from './transport.js';
import { FrameTransportBase } from './transport-base.js';
import type { IncomingCalls } from './transport-base.js';
import { DataFrameKind } from './wire-codec.js';

export interface MemoryTransportOptions {
  readonly self: NodeId;
  readonly peers: Iterable<NodeId>;
  readonly limits?: Partial<TransportLimits>;
}

/** Frames on the wire and not yet delivered, per peer and lane: the in-process send queue. */
interface LaneQueue {
  messages: number;
  bytes: number;
}

/**
 * The transport between nodes of one process, over an in-process wire (MemoryHub for host
 * tests, the simulator's network for seeded runs): the same batching, bounds, counters, errors
 * and unreachable reports as TcpTransport, with frames in the wire's codec and the wire's
 * faults in place of sockets.
 */
export class MemoryTransport<Payload = Uint8Array> extends FrameTransportBase<Payload> implements Transport {
  readonly self: NodeId;
  readonly limits: TransportLimits;
  private peers: ReadonlySet<NodeId>;
  private port: WirePort<Payload> | undefined;
  protected readonly pendingCalls: PendingCalls;
  private readonly queues = new Map<string, LaneQueue>();
  private readonly incomingCalls = new Map<NodeId, IncomingCalls>();

  constructor(
    private readonly wire: InProcessWire<Payload>,
    options: MemoryTransportOptions,
  ) {
    super(wire.codec);
    this.self = options.self;
    this.limits = resolveLimits(options.limits);
    this.peers = new Set(options.peers);
    if (this.peers.has(this.self)) {
      throw new RangeError(`the peer set must not contain this node (${this.self})`);
    }
    this.pendingCalls = new PendingCalls(wire.scheduler, this.limits.maxInflightCalls);
  }

  start(): Promise<void> {
    if (this.state !== 'new') {
      return Promise.reject(new Error(`MemoryTransport of node ${this.self} cannot start twice`));
    }
    this.port = this.wire.attach(this.self, {
      receive: (frame) => this.receive(frame),
      lost: (peer, reason) => {
        this.pendingCalls.failPeer(peer, new PeerUnreachableError(peer, reason));
        if (this.peers.has(peer)) {
          this.unreachable.report(peer);
        }
      },
    });
    this.state = 'running';
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.state === 'running') {
      this.unreachable.stop();
      this.pendingCalls.failAll(new TransportClosedError());
      this.port?.detach();
      this.port = undefined;
    }
    this.state = 'closed';
    return Promise.resolve();
  }

  async call(to: NodeId, body: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    checkCallArguments(body, timeoutMs);
    const port = this.port;
    if (this.state !== 'running' || port === undefined) {
      throw new TransportClosedError();
    }
    if (!this.peers.has(to) || !port.canReach(to)) {
      throw new PeerUnreachableError(to, this.peers.has(to) ? 'not reachable' : 'not a known peer', false);
    }
    // Sent, the request is on the wire or lost on it (then the call times out).
    return this.startCall(to, body, timeoutMs, (request) => (this.transmit(to, Lane.MAIN, request) === 'refused' ? 'not reachable' : undefined));
  }

  /** Only the ids matter here; where a peer lives is the wire's business. */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void {
    if (peers.has(this.self)) {
      throw new RangeError(`the peer map must not contain this node (${this.self})`);
    }
    for (const peer of this.peers) {
      if (!peers.has(peer)) {
        this.pendingCalls.failPeer(peer, new PeerUnreachableError(peer, 'peer was removed'));
      }
    }
    this.peers = new Set(peers.keys());
  }

  protected override enqueueAll(to: NodeId, lane: Lane, batches: readonly EncodedBatch<Payload>[]): void {
    const maxMessages = lane === Lane.MAIN ? this.limits.maxQueuedMessages : this.limits.maxQueuedSnapshotChunks;
    for (const batch of batches) {
      const queue = this.queue(to, lane);
      const fits =
        queue.messages === 0 || (queue.messages + batch.messageCount <= maxMessages && queue.bytes + batch.bytes <= this.limits.maxQueuedBytes);
      const freeSlot = (): void => {
        queue.messages -= batch.messageCount;
        queue.bytes -= batch.bytes;
      };
      const outcome: TransmitOutcome = this.peers.has(to) && fits ? this.transmit(to, lane, batch, freeSlot) : 'refused';
      if (outcome === 'refused') {
        this.counterTable.of(to).messagesDropped += batch.messageCount;
        this.unreachable.report(to);
      } else if (outcome === 'sent') {
        queue.messages += batch.messageCount;
        queue.bytes += batch.bytes;
      }
    }
  }

  private queue(to: NodeId, lane: Lane): LaneQueue {
    const key = `${to}/${lane}`;
    let queue = this.queues.get(key);
    if (queue === undefined) {
      queue = { messages: 0, bytes: 0 };
      this.queues.set(key, queue);
    }
    return queue;
  }

  /** Counts a frame that leaves this node; a refused one never left. */
  private transmit(to: NodeId, lane: Lane, { payload, bytes }: EncodedFrame<Payload>, settled: () => void = () => {}): TransmitOutcome {
    const outcome = this.port?.transmit({ from: this.self, to, lane, payload, bytes }, settled) ?? 'refused';
    if (outcome !== 'refused') {
      const counters = this.counterTable.of(to);
      counters.framesSent += 1;
      counters.bytesSent += FRAME_HEADER_BYTES + bytes;
      if (lane === Lane.SNAPSHOT) {
        counters.snapshotFramesSent += 1;
      }
    }
    return outcome;
  }

  private receive({ from, lane, payload, bytes }: WireFrame<Payload>): void {
    if (this.state !== 'running' || !this.peers.has(from)) {
      return;
    }
    const counters = this.counterTable.of(from);
    counters.framesReceived += 1;
    counters.bytesReceived += FRAME_HEADER_BYTES + bytes;
    if (lane === Lane.SNAPSHOT) {
      counters.snapshotFramesReceived += 1;
    }
    const frame = this.codec.decode(payload, from, this.self);
    switch (frame.kind) {
      case DataFrameKind.RAFT:
        this.deliverRaft(from, frame.messages);
        return;
      case DataFrameKind.CALL_REQUEST:
        this.serve(from, frame.callId, frame.body);
        return;
      case DataFrameKind.CALL_RESPONSE:
        this.pendingCalls.answer(from, frame.callId, { body: frame.body });
        return;
      case DataFrameKind.CALL_ERROR:
        this.pendingCalls.answer(from, frame.callId, { errorMessage: frame.message });
        return;
    }
  }

  private serve(from: NodeId, callId: number, body: Uint8Array): void {
    let calls = this.incomingCalls.get(from);
    if (calls === undefined) {
      calls = { running: 0 };
      this.incomingCalls.set(from, calls);
    }
    this.serveIncoming(from, callId, body, calls, (answer) => {
      if (this.state === 'running') {
        this.transmit(from, Lane.MAIN, answer);
      }
    });
  }
}
