import type { Message, NodeId } from '@flotilla/raft';
import { byteFrameCodec } from './byte-frame-codec.js';
import { TransportClosedError } from './errors.js';
import type { FrameCodec } from './frame-codec.js';
import { Lane } from './handshake.js';
import type { TransportLimits } from './limits.js';
import { encodeOutgoing } from './outgoing-batch.js';
import type { EncodedBatch } from './outgoing-batch.js';
import { PeerCounterTable } from './peer-counters.js';
import type { PeerCounters } from './peer-counters.js';
import type { RaftHandler, UnreachableHandler } from './transport.js';
import { UnreachableReporter } from './unreachable-reporter.js';

/**
 * The Raft side that every transport shares: a send is checked, encoded into frames and
 * counted the same way, and the host's handlers are kept the same way. A subclass owns its
 * lifecycle and the queues the frames go into; `codec` says what a frame is on its wire.
 */
export abstract class FrameTransportBase<Payload> {
  abstract readonly self: NodeId;
  abstract readonly limits: TransportLimits;
  protected state: 'new' | 'running' | 'closed' = 'new';
  protected readonly counterTable = new PeerCounterTable();
  protected readonly unreachable = new UnreachableReporter();
  private raftHandler: RaftHandler = () => {};

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

  /** Queues the batches for `to` on `lane`; one that cannot be queued is dropped, counted and reported. */
  protected abstract enqueueAll(to: NodeId, lane: Lane, batches: readonly EncodedBatch<Payload>[]): void;
}

/** The base of a transport whose frames are the CBOR bytes on a real wire. */
export abstract class TransportBase extends FrameTransportBase<Uint8Array> {
  protected constructor() {
    super(byteFrameCodec);
  }
}
