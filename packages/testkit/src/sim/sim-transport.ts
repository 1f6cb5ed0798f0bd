import { MessageType } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import {
  checkCallArguments,
  FrameTooLargeError,
  PeerCounterTable,
  PeerUnreachableError,
  PendingCalls,
  resolveLimits,
  TransportClosedError,
  UnreachableReporter,
} from '@flotilla/transport';
import type { CallHandler, PeerAddress, PeerCounters, RaftHandler, Transport, TransportLimits, UnreachableHandler } from '@flotilla/transport';
import { frameBytes } from './frame.js';
import type { Frame, FrameBody, Lane } from './frame.js';
import type { SimNetwork, TransmitOutcome } from './sim-network.js';

export interface SimTransportOptions {
  readonly self: NodeId;
  readonly peers: Iterable<NodeId>;
  readonly limits?: Partial<TransportLimits>;
}

/** Frames on the wire and not yet delivered, per peer and lane: the simulated send queue. */
interface LaneQueue {
  messages: number;
  bytes: number;
}

/**
 * The production Transport contract over the simulated network: the same checks, bounds,
 * counters, errors and unreachable reports as TcpTransport, with the network's seeded delays,
 * losses, duplicates and cut links in place of sockets. Frames carry the objects, not bytes.
 */
export class SimTransport implements Transport {
  readonly self: NodeId;
  readonly limits: TransportLimits;
  private state: 'new' | 'running' | 'closed' = 'new';
  private peers: ReadonlySet<NodeId>;
  private readonly counterTable = new PeerCounterTable();
  private readonly unreachable = new UnreachableReporter();
  private readonly pendingCalls: PendingCalls;
  private readonly queues = new Map<string, LaneQueue>();
  private readonly incomingCalls = new Map<NodeId, number>();
  private raftHandler: RaftHandler = () => {};
  private callHandler: CallHandler | undefined;

  constructor(
    private readonly network: SimNetwork,
    options: SimTransportOptions,
  ) {
    this.self = options.self;
    this.limits = resolveLimits(options.limits);
    this.peers = new Set(options.peers);
    if (this.peers.has(this.self)) throw new RangeError(`the peer set must not contain this node (${this.self})`);
    this.pendingCalls = new PendingCalls(network.scheduler, this.limits.maxInflightCalls);
  }

  start(): Promise<void> {
    if (this.state !== 'new') return Promise.reject(new Error(`SimTransport of node ${this.self} cannot start twice`));
    this.network.attach(this.self, {
      receive: (frame) => this.receive(frame),
      lost: (peer) => {
        this.pendingCalls.failPeer(peer, new PeerUnreachableError(peer, 'peer left the network'));
        if (this.peers.has(peer)) this.unreachable.report(peer);
      },
    });
    this.state = 'running';
    return Promise.resolve();
  }

  close(): Promise<void> {
    if (this.state === 'running') {
      this.unreachable.stop();
      this.pendingCalls.failAll(new TransportClosedError());
      this.network.detach(this.self);
    }
    this.state = 'closed';
    return Promise.resolve();
  }

  sendRaft(to: NodeId, messages: readonly Message[]): void {
    if (this.state === 'new') throw new TransportClosedError();
    // Checked even after close: a misaddressed batch is a host bug, whenever it comes.
    for (const message of messages) {
      if (message.from !== this.self || message.to !== to) {
        throw new Error(`sendRaft to ${to} got a message from ${message.from} to ${message.to} (self is ${this.self})`);
      }
    }
    if (messages.length === 0) return;
    if (this.state === 'closed') {
      this.counterTable.of(to).messagesDropped += messages.length;
      return;
    }
    const kept = this.network.intercepted(messages);
    const isChunk = (message: Message): boolean => message.type === MessageType.SNAP;
    const main = kept.some(isChunk) ? kept.filter((message) => !isChunk(message)) : kept;
    if (main.length > 0) this.sendFrames(to, 'main', main);
    if (main.length < kept.length) for (const chunk of kept) if (isChunk(chunk)) this.sendFrames(to, 'snapshot', [chunk]);
  }

  /** One frame, or halves of it when it would outgrow the frame limit (many groups' appends in one turn). */
  private sendFrames(to: NodeId, lane: Lane, messages: readonly Message[]): void {
    const body: FrameBody = { kind: 'raft', messages };
    const bytes = frameBytes(body);
    if (bytes > this.limits.maxFrameBytes) {
      // Raft bounds every message far below a frame; one that does not fit is a host bug.
      if (messages.length === 1) throw new FrameTooLargeError(bytes, this.limits.maxFrameBytes);
      const middle = Math.ceil(messages.length / 2);
      this.sendFrames(to, lane, messages.slice(0, middle));
      this.sendFrames(to, lane, messages.slice(middle));
      return;
    }
    const counters = this.counterTable.of(to);
    const queue = this.queue(to, lane);
    const maxMessages = lane === 'main' ? this.limits.maxQueuedMessages : this.limits.maxQueuedSnapshotChunks;
    const fits =
      queue.messages === 0 || (queue.messages + messages.length <= maxMessages && queue.bytes + bytes <= this.limits.maxQueuedBytes);
    if (!this.peers.has(to) || !fits) {
      counters.messagesDropped += messages.length;
      this.unreachable.report(to);
      return;
    }
    const outcome = this.transmit({ from: this.self, to, lane, body, bytes }, () => {
      queue.messages -= messages.length;
      queue.bytes -= bytes;
    });
    if (outcome === 'refused') {
      counters.messagesDropped += messages.length;
      this.unreachable.report(to);
    } else if (outcome === 'sent') {
      queue.messages += messages.length;
      queue.bytes += bytes;
    }
  }

  /** Counts a frame that leaves this node; a refused one never left. */
  private transmit(frame: Frame, settled: () => void = () => {}): TransmitOutcome {
    const outcome = this.network.transmit(frame, settled);
    if (outcome !== 'refused') {
      const counters = this.counterTable.of(frame.to);
      counters.framesSent++;
      counters.bytesSent += frame.bytes;
      if (frame.lane === 'snapshot') counters.snapshotFramesSent++;
    }
    return outcome;
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

  onRaft(handler: RaftHandler): void {
    this.raftHandler = handler;
  }

  onUnreachable(handler: UnreachableHandler): void {
    this.unreachable.setHandler(handler);
  }

  async call(to: NodeId, body: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    checkCallArguments(body, timeoutMs);
    if (this.state !== 'running') throw new TransportClosedError();
    if (!this.peers.has(to) || !this.network.canReach(this.self, to)) {
      throw new PeerUnreachableError(to, this.peers.has(to) ? 'not reachable' : 'not a known peer', false);
    }
    const { callId, answer } = this.pendingCalls.begin(to, timeoutMs);
    const request: FrameBody = { kind: 'call', callId, body };
    const bytes = frameBytes(request);
    if (bytes > this.limits.maxFrameBytes) {
      this.pendingCalls.fail(callId, new FrameTooLargeError(bytes, this.limits.maxFrameBytes));
    } else {
      // The link was up a moment ago: the request is on the wire, or lost on it (the call then times out).
      this.transmit({ from: this.self, to, lane: 'main', body: request, bytes });
    }
    return answer;
  }

  onCall(handler: CallHandler): void {
    this.callHandler = handler;
  }

  /** Only the ids matter here; where a peer lives is the network's business. */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void {
    if (peers.has(this.self)) throw new RangeError(`the peer map must not contain this node (${this.self})`);
    for (const peer of this.peers) {
      if (!peers.has(peer)) this.pendingCalls.failPeer(peer, new PeerUnreachableError(peer, 'peer was removed'));
    }
    this.peers = new Set(peers.keys());
  }

  counters(peer: NodeId): Readonly<PeerCounters> {
    return this.counterTable.of(peer);
  }

  countersByPeer(): ReadonlyMap<NodeId, Readonly<PeerCounters>> {
    return this.counterTable.all();
  }

  private receive(frame: Frame): void {
    if (this.state !== 'running' || !this.peers.has(frame.from)) return;
    const counters = this.counterTable.of(frame.from);
    counters.framesReceived++;
    counters.bytesReceived += frame.bytes;
    if (frame.lane === 'snapshot') counters.snapshotFramesReceived++;
    const { body } = frame;
    switch (body.kind) {
      case 'raft':
        // A fresh array per delivery: a duplicated frame must not hand two hosts one array.
        this.raftHandler(frame.from, [...body.messages]);
        return;
      case 'call':
        this.serve(frame.from, body.callId, body.body);
        return;
      case 'answer':
        this.pendingCalls.answer(frame.from, body.callId, { body: body.body });
        return;
      case 'error':
        this.pendingCalls.answer(frame.from, body.callId, { errorMessage: body.message });
        return;
    }
  }

  private serve(from: NodeId, callId: number, request: Uint8Array): void {
    const reply = (answer: FrameBody): void => {
      if (this.state === 'running') this.transmit({ from: this.self, to: from, lane: 'main', body: answer, bytes: frameBytes(answer) });
    };
    const running = this.incomingCalls.get(from) ?? 0;
    if (running >= this.limits.maxIncomingCalls) {
      reply({ kind: 'error', callId, message: `node ${this.self} is already serving ${running} calls from node ${from}` });
      return;
    }
    this.incomingCalls.set(from, running + 1);
    void this.answer(from, callId, request).then((answer) => {
      this.incomingCalls.set(from, (this.incomingCalls.get(from) ?? 1) - 1);
      reply(answer);
    });
  }

  /** Runs the host's handler; its failures become error answers (a RemoteCallError at the caller), never throws. */
  private async answer(from: NodeId, callId: number, request: Uint8Array): Promise<FrameBody> {
    const handler = this.callHandler;
    if (handler === undefined) return { kind: 'error', callId, message: 'no call handler is registered on this node' };
    let body: Uint8Array;
    try {
      body = await handler(from, request);
    } catch (error) {
      return { kind: 'error', callId, message: error instanceof Error ? error.message : String(error) };
    }
    if (!(body instanceof Uint8Array)) return { kind: 'error', callId, message: 'call handler answered with something other than bytes' };
    const answer: FrameBody = { kind: 'answer', callId, body };
    const bytes = frameBytes(answer);
    return bytes <= this.limits.maxFrameBytes
      ? answer
      : { kind: 'error', callId, message: `answer of ${bytes} bytes exceeds the frame limit of ${this.limits.maxFrameBytes} bytes` };
  }
}
