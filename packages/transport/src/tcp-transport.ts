import { checkCallArguments } from './call-arguments.js';
import type { Server, Socket } from 'node:net';
import type { Logger, NodeId } from '@flotilla/raft';
import { FrameTooLargeError, PeerUnreachableError, ProtocolError, TransportClosedError } from './errors.js';
import type { EncodedFrame } from './frame-codec.js';
import { FramedSocket } from './framed-socket.js';
import { FRAME_HEADER_BYTES } from './framing.js';
import { AcceptorHandshake, HANDSHAKE_MAX_FRAME_BYTES, Lane } from './handshake.js';
import type { HandshakeIdentity } from './handshake.js';
import { resolveLimits } from './limits.js';
import type { TransportLimits } from './limits.js';
import { OutboundLink } from './outbound-link.js';
import type { EncodedBatch } from './outgoing-batch.js';
import { PendingCalls } from './pending-calls.js';
import { validatePeers } from './peer-map.js';
import { realScheduler } from './scheduler.js';
import type { Scheduler } from './scheduler.js';
import { plainTcpSockets } from './socket-factory.js';
import type { SocketFactory } from './socket-factory.js';
import type { PeerAddress, Transport } from './transport.js';
import { TransportBase } from './transport-base.js';
import type { IncomingCalls } from './transport-base.js';
import { WarningLimiter } from './warning-limiter.js';
import { DataFrameKind, decodeDataFrame } from './wire-codec.js';

export interface TcpTransportOptions {
  readonly self: NodeId;
  /** Port 0 picks a free port; read it back with `address()` after `start()`. */
  readonly listen: PeerAddress;
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  readonly clusterSecret: string;
  /** The id the node stores at bootstrap; peers of another cluster are refused at their hello. */
  readonly clusterId: string;
  readonly limits?: Partial<TransportLimits>;
  /** Uniform in [0, 1), for reconnect jitter. */
  readonly random?: () => number;
  readonly scheduler?: Scheduler;
  readonly sockets?: SocketFactory;
  /** Link failures and rejected connections are reported here (warn), reconnect noise at debug. */
  readonly logger?: Logger;
}

/** An authenticated connection a peer dialed to us: it brings Raft frames and calls, and takes call answers back. */
interface InboundConnection {
  readonly peer: NodeId;
  readonly lane: Lane;
  readonly framed: FramedSocket;
  readonly incomingCalls: IncomingCalls;
}

/** A flood of refused connections logs one line per this window, not one per connection. */
const WARNING_WINDOW_MS = 10_000;

const silentLogger: Logger = { debug: () => {}, info: () => {}, warn: () => {} };

/**
 * The transport over TCP. Each node dials its own connections to each peer (a main lane, and a
 * snapshot lane on first use) and sends on them; what a peer dials to us we receive on. Call
 * answers return on the connection the call came in on.
 */
export class TcpTransport extends TransportBase implements Transport {
  readonly self: NodeId;
  readonly limits: TransportLimits;
  private peers: ReadonlyMap<NodeId, PeerAddress>;
  private server: Server | undefined;
  private readonly identity: HandshakeIdentity;
  private readonly scheduler: Scheduler;
  private readonly random: () => number;
  private readonly sockets: SocketFactory;
  private readonly logger: Logger;
  private readonly warnings: WarningLimiter;
  private readonly mainLinks = new Map<NodeId, OutboundLink>();
  private readonly snapshotLinks = new Map<NodeId, OutboundLink>();
  private readonly handshaking = new Set<FramedSocket>();
  private readonly inbound = new Set<InboundConnection>();
  protected readonly pendingCalls: PendingCalls;

  constructor(private readonly options: TcpTransportOptions) {
    super();
    if (options.clusterSecret.length === 0) {
      throw new RangeError('clusterSecret must not be empty');
    }
    this.self = options.self;
    this.limits = resolveLimits(options.limits);
    this.peers = validatePeers(options.self, options.peers);
    this.identity = { self: options.self, clusterSecret: options.clusterSecret, clusterId: options.clusterId };
    this.scheduler = options.scheduler ?? realScheduler;
    this.random = options.random ?? Math.random;
    this.sockets = options.sockets ?? plainTcpSockets;
    this.logger = options.logger ?? silentLogger;
    this.warnings = new WarningLimiter(this.logger, this.scheduler, WARNING_WINDOW_MS);
    this.pendingCalls = new PendingCalls(this.scheduler, this.limits.maxInflightCalls);
  }

  async start(): Promise<void> {
    if (this.state !== 'new') {
      throw new Error(`TcpTransport of node ${this.self} cannot start twice`);
    }
    const server = this.sockets.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.listen.port, this.options.listen.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (error) => this.logger.warn('transport listener failed', { node: this.self, error: error.message }));
    this.state = 'running';
  }

  /** The address actually listened on (the chosen port when `listen.port` was 0). */
  address(): PeerAddress {
    const bound = this.server?.address();
    if (bound === undefined || bound === null || typeof bound === 'string') {
      throw new Error(`TcpTransport of node ${this.self} is not listening`);
    }
    return { host: bound.address, port: bound.port };
  }

  async close(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'closed';
    if (!wasRunning) {
      return;
    }
    this.unreachable.stop();
    this.warnings.close();
    this.pendingCalls.failAll(new TransportClosedError());
    for (const link of [...this.mainLinks.values(), ...this.snapshotLinks.values()]) {
      link.close();
    }
    this.mainLinks.clear();
    this.snapshotLinks.clear();
    for (const framed of this.handshaking) {
      framed.destroy();
    }
    for (const connection of this.inbound) {
      connection.framed.destroy();
    }
    const server = this.server;
    if (server !== undefined) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  async call(to: NodeId, body: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    checkCallArguments(body, timeoutMs);
    if (this.state !== 'running') {
      throw new TransportClosedError();
    }
    const link = this.link(to, Lane.MAIN);
    if (link === undefined || link.isDown) {
      throw new PeerUnreachableError(to, link === undefined ? 'not a known peer' : 'link is down', false);
    }
    return this.startCall(to, body, timeoutMs, (request) => (link.enqueueCall(request.payload) ? undefined : 'link is down'));
  }

  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void {
    const next = validatePeers(this.self, peers);
    for (const links of [this.mainLinks, this.snapshotLinks]) {
      for (const [peer, link] of links) {
        const address = next.get(peer);
        if (address === undefined || address.host !== link.address.host || address.port !== link.address.port) {
          link.close();
          links.delete(peer);
          this.pendingCalls.failPeer(peer, new PeerUnreachableError(peer, 'peer was removed or moved'));
        }
      }
    }
    for (const connection of this.inbound) {
      if (!next.has(connection.peer)) {
        connection.framed.destroy();
      }
    }
    this.peers = next;
  }

  protected override enqueueAll(to: NodeId, lane: Lane, batches: readonly EncodedBatch[]): void {
    const link = batches.length > 0 ? this.link(to, lane) : undefined;
    for (const batch of batches) {
      if (link === undefined || !link.enqueueRaft(batch)) {
        this.counterTable.of(to).messagesDropped += batch.messageCount;
        this.unreachable.report(to);
      }
    }
  }

  /** The peer's link for `lane`, dialed on first use; undefined for a peer not in the map. */
  private link(peer: NodeId, lane: Lane): OutboundLink | undefined {
    const links = lane === Lane.MAIN ? this.mainLinks : this.snapshotLinks;
    const existing = links.get(peer);
    if (existing !== undefined) {
      return existing;
    }
    const address = this.peers.get(peer);
    if (address === undefined) {
      return undefined;
    }
    const isMain = lane === Lane.MAIN;
    const link = new OutboundLink({
      identity: this.identity,
      peer,
      address,
      lane,
      limits: this.limits,
      maxQueuedMessages: isMain ? this.limits.maxQueuedMessages : this.limits.maxQueuedSnapshotChunks,
      maxQueuedBytes: this.limits.maxQueuedBytes,
      scheduler: this.scheduler,
      random: this.random,
      sockets: this.sockets,
      counters: this.counterTable.of(peer),
      onFrame: (payload) => this.receiveAnswer(peer, payload),
      onDown: (error, wasConnected) => {
        this.logLinkFailure('link to peer failed', peer, lane, error);
        if (isMain) {
          this.pendingCalls.failPeer(peer, new PeerUnreachableError(peer, error.message, wasConnected));
        }
        this.unreachable.report(peer);
      },
    });
    links.set(peer, link);
    return link;
  }

  /** Frames coming back on a link we dialed: only call answers belong there. */
  private receiveAnswer(peer: NodeId, payload: Buffer): void {
    const frame = decodeDataFrame(payload, peer, this.self);
    if (frame.kind === DataFrameKind.CALL_RESPONSE) {
      this.pendingCalls.answer(peer, frame.callId, { body: frame.body });
    } else if (frame.kind === DataFrameKind.CALL_ERROR) {
      this.pendingCalls.answer(peer, frame.callId, { errorMessage: frame.message });
    } else {
      throw new ProtocolError(`node ${peer} sent frame kind ${frame.kind} on a link it accepted`);
    }
  }

  private accept(socket: Socket): void {
    if (this.state !== 'running') {
      socket.destroy();
      return;
    }
    const handshake = new AcceptorHandshake(this.identity, (peer) => this.peers.has(peer));
    let connection: InboundConnection | undefined;
    const framed = new FramedSocket(socket, HANDSHAKE_MAX_FRAME_BYTES, this.limits.socketWriteBufferBytes, (payload) => {
      const step = handshake.receive(payload);
      framed.write(step.reply);
      if (step.accepted !== undefined) {
        cancelTimeout();
        this.handshaking.delete(framed);
        const accepted: InboundConnection = { ...step.accepted, framed, incomingCalls: { running: 0 } };
        connection = accepted;
        this.inbound.add(accepted);
        framed.setMaxFrameBytes(this.limits.maxFrameBytes);
        framed.setFrameHandler((data) => this.receiveInbound(accepted, data));
      }
    });
    this.handshaking.add(framed);
    const cancelTimeout = this.scheduler.after(this.limits.connectTimeoutMs, () =>
      framed.destroy(new ProtocolError('authentication timed out')),
    );
    framed.onClose((error) => {
      cancelTimeout();
      this.handshaking.delete(framed);
      if (connection !== undefined) {
        this.inbound.delete(connection);
      }
      if (error !== undefined) {
        this.logLinkFailure('inbound connection dropped', connection?.peer, connection?.lane, error);
      }
    });
  }

  private receiveInbound(connection: InboundConnection, payload: Buffer): void {
    const { peer } = connection;
    const counters = this.counterTable.of(peer);
    counters.framesReceived += 1;
    counters.bytesReceived += FRAME_HEADER_BYTES + payload.byteLength;
    if (connection.lane === Lane.SNAPSHOT) {
      counters.snapshotFramesReceived += 1;
    }
    const frame = decodeDataFrame(payload, peer, this.self);
    if (frame.kind === DataFrameKind.RAFT) {
      if (this.state === 'running') {
        this.deliverRaft(peer, frame.messages);
      }
    } else if (frame.kind === DataFrameKind.CALL_REQUEST && connection.lane === Lane.MAIN) {
      this.serve(connection, frame.callId, frame.body);
    } else {
      throw new ProtocolError(`node ${peer} sent frame kind ${frame.kind} on a lane ${connection.lane} link it dialed`);
    }
  }

  private serve(connection: InboundConnection, callId: number, body: Uint8Array): void {
    this.serveIncoming(connection.peer, callId, body, connection.incomingCalls, ({ payload }: EncodedFrame<Uint8Array>) => {
      if (this.state === 'running' && !connection.framed.isClosed) {
        const counters = this.counterTable.of(connection.peer);
        counters.framesSent += 1;
        counters.bytesSent += connection.framed.write(payload);
      }
    });
  }

  private logLinkFailure(what: string, peer: NodeId | undefined, lane: Lane | undefined, error: Error): void {
    const fields = { node: this.self, peer, lane, error: error.message, errorName: error.name };
    // Refused connections are routine while a peer restarts; a protocol breach is not.
    if (error instanceof ProtocolError || error instanceof FrameTooLargeError) {
      this.warnings.warn(what, fields);
    } else {
      this.logger.debug(what, fields);
    }
  }
}
