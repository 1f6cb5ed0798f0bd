import type { NodeId } from '@flotilla/raft';
import { Backoff } from './backoff.js';
import { FramedSocket } from './framed-socket.js';
import { FRAME_HEADER_BYTES } from './framing.js';
import { DialerHandshake, HANDSHAKE_MAX_FRAME_BYTES, Lane } from './handshake.js';
import type { HandshakeIdentity } from './handshake.js';
import type { TransportLimits } from './limits.js';
import type { EncodedBatch } from './outgoing-batch.js';
import type { PeerCounters } from './peer-counters.js';
import type { Scheduler } from './scheduler.js';
import type { SocketFactory } from './socket-factory.js';
import type { PeerAddress } from './transport.js';

export interface OutboundLinkOptions {
  readonly identity: HandshakeIdentity;
  readonly peer: NodeId;
  readonly address: PeerAddress;
  readonly lane: Lane;
  readonly limits: TransportLimits;
  /** Raft messages and bytes queued or still in the socket's buffer. */
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
  readonly scheduler: Scheduler;
  readonly random: () => number;
  readonly sockets: SocketFactory;
  readonly counters: PeerCounters;
  /** A frame the peer sent back on this link (call answers). */
  readonly onFrame: (payload: Buffer) => void;
  /** The link failed (connect, authentication or later); it redials after a backoff. */
  /** `wasConnected`: whether anything could have been written before the link failed. */
  readonly onDown: (error: Error, wasConnected: boolean) => void;
}

type LinkState = 'connecting' | 'ready' | 'backoff' | 'closed';

/**
 * One dialed, authenticated connection to a peer for one lane, redialed with backoff. Frames
 * wait in our own queues, not the socket's, so a call can overtake queued Raft frames: the
 * writer alternates between the two queues whenever both hold something.
 */
export class OutboundLink {
  private state: LinkState = 'connecting';
  private framed: FramedSocket | undefined;
  private readonly raftQueue: EncodedBatch[] = [];
  private readonly callQueue: Uint8Array[] = [];
  private queuedMessages = 0;
  private queuedBytes = 0;
  /** Bumped per connection, so flush callbacks of a dead socket do not touch the new one's accounting. */
  private connection = 0;
  private callTurn = true;
  private cancelTimer: (() => void) | undefined;
  private readonly backoff: Backoff;

  constructor(private readonly options: OutboundLinkOptions) {
    this.backoff = new Backoff({
      initialMs: options.limits.reconnectBackoffInitialMs,
      maxMs: options.limits.reconnectBackoffMaxMs,
      random: options.random,
    });
    this.connect();
  }

  get address(): PeerAddress {
    return this.options.address;
  }

  /** Down: waiting to redial. Sends fail fast rather than queue for a peer that is not there. */
  get isDown(): boolean {
    return this.state === 'backoff';
  }

  /** Queues a Raft frame; false when it was refused (link down, or queue full). */
  enqueueRaft(batch: EncodedBatch): boolean {
    if (this.state === 'backoff' || this.state === 'closed') {
      return false;
    }
    const bytes = batch.bytes;
    const fits =
      this.queuedMessages === 0 ||
      (this.queuedMessages + batch.messageCount <= this.options.maxQueuedMessages &&
        this.queuedBytes + bytes <= this.options.maxQueuedBytes);
    if (!fits) {
      return false;
    }
    this.raftQueue.push(batch);
    this.queuedMessages += batch.messageCount;
    this.queuedBytes += bytes;
    this.pump();
    return true;
  }

  /** Queues a call frame (bounded by the caller's in-flight limit); false when the link is down. */
  enqueueCall(payload: Uint8Array): boolean {
    if (this.state === 'backoff' || this.state === 'closed') {
      return false;
    }
    this.callQueue.push(payload);
    this.pump();
    return true;
  }

  close(): void {
    if (this.state === 'closed') {
      return;
    }
    this.state = 'closed';
    this.cancelTimer?.();
    this.framed?.destroy();
    this.discardQueues();
  }

  private connect(): void {
    this.state = 'connecting';
    this.connection += 1;
    const { identity, peer, lane, limits } = this.options;
    const handshake = new DialerHandshake(identity, peer, lane);
    const framed = new FramedSocket(this.options.sockets.connect(this.options.address), HANDSHAKE_MAX_FRAME_BYTES, limits.socketWriteBufferBytes, (payload) => {
      const step = handshake.receive(payload);
      if (step === 'done') {
        this.becomeReady(framed);
      } else {
        framed.write(step.reply);
      }
    });
    this.framed = framed;
    framed.onClose((error) => this.down(framed, error ?? new Error('connection closed')));
    framed.onDrain(() => this.pump());
    this.cancelTimer = this.options.scheduler.after(limits.connectTimeoutMs, () =>
      framed.destroy(new Error(`connecting to node ${peer} timed out after ${limits.connectTimeoutMs} ms`)),
    );
    // A socket buffers writes until it is connected, so the hello can go now.
    framed.write(handshake.hello());
  }

  private becomeReady(framed: FramedSocket): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    framed.setMaxFrameBytes(this.options.limits.maxFrameBytes);
    framed.setFrameHandler((payload) => {
      this.countReceived(FRAME_HEADER_BYTES + payload.byteLength);
      this.options.onFrame(payload);
    });
    this.state = 'ready';
    this.backoff.reset();
    this.pump();
  }

  private down(framed: FramedSocket, error: Error): void {
    if (this.state === 'closed' || framed !== this.framed) {
      return;
    }
    const wasConnected = this.state === 'ready';
    this.framed = undefined;
    this.cancelTimer?.();
    this.discardQueues();
    this.state = 'backoff';
    this.cancelTimer = this.options.scheduler.after(this.backoff.nextDelayMs(), () => this.connect());
    this.options.onDown(error, wasConnected);
  }

  private discardQueues(): void {
    for (const batch of this.raftQueue) {
      this.options.counters.messagesDropped += batch.messageCount;
    }
    this.raftQueue.length = 0;
    this.callQueue.length = 0;
    this.queuedMessages = 0;
    this.queuedBytes = 0;
    this.connection += 1;
  }

  private pump(): void {
    const framed = this.framed;
    if (this.state !== 'ready' || framed === undefined) {
      return;
    }
    while (!framed.isBackedUp) {
      const call = this.callQueue.length > 0 && (this.callTurn || this.raftQueue.length === 0) ? this.callQueue.shift() : undefined;
      if (call !== undefined) {
        this.countSent(framed.write(call));
        this.callTurn = false;
        continue;
      }
      const batch = this.raftQueue.shift();
      if (batch === undefined) {
        return;
      }
      const connection = this.connection;
      this.countSent(
        framed.write(batch.payload, () => {
          if (connection === this.connection) {
            this.queuedMessages -= batch.messageCount;
            this.queuedBytes -= batch.bytes;
          }
        }),
      );
      this.callTurn = true;
    }
  }

  private countSent(wireBytes: number): void {
    const counters = this.options.counters;
    counters.framesSent += 1;
    counters.bytesSent += wireBytes;
    if (this.options.lane === Lane.SNAPSHOT) {
      counters.snapshotFramesSent += 1;
    }
  }

  private countReceived(wireBytes: number): void {
    const counters = this.options.counters;
    counters.framesReceived += 1;
    counters.bytesReceived += wireBytes;
  }
}
