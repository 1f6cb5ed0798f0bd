import { checkCallArguments } from './call-arguments.js';
import type { NodeId } from '@flotilla/raft';
import { FrameTooLargeError, PeerUnreachableError, TransportClosedError } from './errors.js';
import { FRAME_HEADER_BYTES } from './framing.js';
import { Lane } from './handshake.js';
import { resolveLimits } from './limits.js';
import type { TransportLimits } from './limits.js';
import type { HubPort, MemoryHub } from './memory-hub.js';
import type { EncodedBatch } from './outgoing-batch.js';
import { PendingCalls } from './pending-calls.js';
import { serveCall } from './serve-call.js';
import type { CallHandler, PeerAddress, Transport } from './transport.js';
import { TransportBase } from './transport-base.js';
import { DataFrameKind, decodeDataFrame, encodeCallError, encodeCallRequest } from './wire-codec.js';

export interface MemoryTransportOptions {
  readonly self: NodeId;
  readonly peers: Iterable<NodeId>;
  readonly limits?: Partial<TransportLimits>;
}

/** Frames handed to the hub and not yet delivered, per peer and lane: the in-memory "queue". */
interface LaneQueue {
  messages: number;
  bytes: number;
}

/**
 * The transport over a MemoryHub, for host tests: the same frames, bounds, counters and
 * errors as TcpTransport, with the hub's faults in place of a network.
 */
export class MemoryTransport extends TransportBase implements Transport {
  readonly self: NodeId;
  readonly limits: TransportLimits;
  private peers: ReadonlySet<NodeId>;
  private port: HubPort | undefined;
  private readonly queues = new Map<string, LaneQueue>();
  private pendingCalls: PendingCalls | undefined;
  private readonly incomingCalls = new Map<NodeId, number>();
  private callHandler: CallHandler | undefined;

  constructor(
    private readonly hub: MemoryHub,
    options: MemoryTransportOptions,
  ) {
    super();
    this.self = options.self;
    this.limits = resolveLimits(options.limits);
    this.peers = new Set(options.peers);
    if (this.peers.has(this.self)) {
      throw new RangeError(`the peer set must not contain this node (${this.self})`);
    }
  }

  start(): Promise<void> {
    if (this.state !== 'new') {
      return Promise.reject(new Error(`MemoryTransport of node ${this.self} cannot start twice`));
    }
    const port = this.hub.join(this.self, {
      receive: (from, payload, lane) => this.receive(from, payload, lane),
      lost: (peer, reason) => {
        this.pendingCalls?.failPeer(peer, new PeerUnreachableError(peer, reason));
        if (this.peers.has(peer)) {
          this.unreachable.report(peer);
        }
      },
    });
    this.port = port;
    this.pendingCalls = new PendingCalls(port.scheduler, this.limits.maxInflightCalls);
    this.state = 'running';
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.state === 'running') {
      this.unreachable.stop();
      this.pendingCalls?.failAll(new TransportClosedError());
      this.port?.leave();
    }
    this.state = 'closed';
    return Promise.resolve();
  }

  async call(to: NodeId, body: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    checkCallArguments(body, timeoutMs);
    const { port, pendingCalls } = this;
    if (this.state !== 'running' || port === undefined || pendingCalls === undefined) {
      throw new TransportClosedError();
    }
    if (!this.peers.has(to) || !port.canReach(to)) {
      throw new PeerUnreachableError(to, this.peers.has(to) ? 'not reachable' : 'not a known peer', false);
    }
    const { callId, answer } = pendingCalls.begin(to, timeoutMs);
    const payload = encodeCallRequest(callId, body);
    if (payload.byteLength > this.limits.maxFrameBytes) {
      pendingCalls.fail(callId, new FrameTooLargeError(payload.byteLength, this.limits.maxFrameBytes));
    } else {
      this.transmit(port, to, payload, Lane.MAIN);
    }
    return answer;
  }

  onCall(handler: CallHandler): void {
    this.callHandler = handler;
  }

  /** Only the ids matter here; addresses are the hub's business. */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void {
    if (peers.has(this.self)) {
      throw new RangeError(`the peer map must not contain this node (${this.self})`);
    }
    for (const peer of this.peers) {
      if (!peers.has(peer)) {
        this.pendingCalls?.failPeer(peer, new PeerUnreachableError(peer, 'peer was removed'));
      }
    }
    this.peers = new Set(peers.keys());
  }

  protected override enqueueAll(to: NodeId, lane: Lane, batches: readonly EncodedBatch[]): void {
    const port = this.port;
    const maxMessages = lane === Lane.MAIN ? this.limits.maxQueuedMessages : this.limits.maxQueuedSnapshotChunks;
    for (const batch of batches) {
      const queue = this.queue(to, lane);
      const fits =
        queue.messages === 0 ||
        (queue.messages + batch.messageCount <= maxMessages && queue.bytes + batch.payload.byteLength <= this.limits.maxQueuedBytes);
      if (port === undefined || !this.peers.has(to) || !port.canReach(to) || !fits) {
        this.counterTable.of(to).messagesDropped += batch.messageCount;
        this.unreachable.report(to);
        continue;
      }
      queue.messages += batch.messageCount;
      queue.bytes += batch.payload.byteLength;
      this.transmit(port, to, batch.payload, lane, () => {
        queue.messages -= batch.messageCount;
        queue.bytes -= batch.payload.byteLength;
      });
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

  private transmit(port: HubPort, to: NodeId, payload: Uint8Array, lane: Lane, settled: () => void = () => {}): void {
    const counters = this.counterTable.of(to);
    counters.framesSent += 1;
    counters.bytesSent += FRAME_HEADER_BYTES + payload.byteLength;
    if (lane === Lane.SNAPSHOT) {
      counters.snapshotFramesSent += 1;
    }
    port.transmit(to, payload, lane, settled);
  }

  private receive(from: NodeId, payload: Uint8Array, lane: Lane): void {
    if (this.state !== 'running' || !this.peers.has(from)) {
      return;
    }
    const counters = this.counterTable.of(from);
    counters.framesReceived += 1;
    counters.bytesReceived += FRAME_HEADER_BYTES + payload.byteLength;
    if (lane === Lane.SNAPSHOT) {
      counters.snapshotFramesReceived += 1;
    }
    const frame = decodeDataFrame(payload, from, this.self);
    switch (frame.kind) {
      case DataFrameKind.RAFT:
        this.deliverRaft(from, frame.messages);
        return;
      case DataFrameKind.CALL_REQUEST:
        this.serve(from, frame.callId, frame.body);
        return;
      case DataFrameKind.CALL_RESPONSE:
        this.pendingCalls?.answer(from, frame.callId, { body: frame.body });
        return;
      case DataFrameKind.CALL_ERROR:
        this.pendingCalls?.answer(from, frame.callId, { errorMessage: frame.message });
        return;
    }
  }

  private serve(from: NodeId, callId: number, body: Uint8Array): void {
    const running = this.incomingCalls.get(from) ?? 0;
    const answer = (payload: Uint8Array): void => {
      if (this.state === 'running' && this.port !== undefined && this.port.canReach(from)) {
        this.transmit(this.port, from, payload, Lane.MAIN);
      }
    };
    if (running >= this.limits.maxIncomingCalls) {
      answer(encodeCallError(callId, `node ${this.self} is already serving ${running} calls from node ${from}`));
      return;
    }
    this.incomingCalls.set(from, running + 1);
    void serveCall(this.callHandler, from, callId, body, this.limits.maxFrameBytes).then((payload) => {
      this.incomingCalls.set(from, (this.incomingCalls.get(from) ?? 1) - 1);
      answer(payload);
    });
  }
}
