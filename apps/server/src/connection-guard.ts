import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import type { Logger } from 'pino';
import type { HttpCounters } from './http-counters.js';

export interface ConnectionLimits {
  /** Open client connections; more are closed as they are accepted. */
  readonly maxConnections: number;
  /** Requests one connection may have waiting behind the one being answered (HTTP/1.1 pipelining). */
  readonly maxPipelinedRequests: number;
  /** Response bytes one connection may leave unread before its next request is answered. */
  readonly maxConnectionUnreadBytes: number;
  /** Response bytes the node holds unread for every client together. */
  readonly maxUnreadBytes: number;
  /** A connection with no bytes moving either way this long is closed, and what it held freed. */
  readonly stalledConnectionMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  maxConnections: 1024,
  // HTTP/1.1 clients rarely pipeline at all; a deep pipeline is a client queueing work unread.
  maxPipelinedRequests: 16,
  maxConnectionUnreadBytes: 8 * 1024 * 1024,
  maxUnreadBytes: 256 * 1024 * 1024,
  // Well above any wait a request may have (--request-timeout-ms is 5 s by default).
  stalledConnectionMs: 120_000,
};

/** Runs one request's handler; settles once its response is handed to Node. */
export type Handler = () => Promise<void>;

interface Connection {
  readonly socket: Socket;
  /** Requests waiting for the one being answered to finish. */
  readonly waiting: Handler[];
  answering: boolean;
  /** Last measured; the node's total is the sum over connections. */
  unreadBytes: number;
}

/**
 * Bounds the memory clients can make the node hold by not reading their responses. Node's
 * HTTP server runs every request of a pipelined burst at once and buffers each answer until
 * the client reads it: 300 GETs of a 1 MiB value in one 14 KB packet held 300 MiB. Here a
 * connection's requests are answered one at a time, as Go's net/http does: the next handler
 * runs once the previous response is finished (taken by the kernel), so a client that stops
 * reading stops being answered. Requests queued behind it are bounded, and so are the bytes
 * a connection, and all of them, leave unread; the client over a limit loses its connection,
 * which frees them: the abuser is shed, never the node.
 */
export class ConnectionGuard {
  readonly #connections = new Map<Socket, Connection>();
  #totalBytes = 0;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly counters: HttpCounters,
    private readonly logger: Logger,
  ) {}

  attach(server: Server): void {
    server.maxConnections = this.limits.maxConnections;
    // Node arms each socket's inactivity timer with this; with a listener here it closes nothing itself.
    server.timeout = this.limits.stalledConnectionMs;
    server.on('timeout', (socket: Socket) => {
      const connection = this.#connections.get(socket);
      if (connection === undefined) socket.destroy();
      else this.#shed(connection, `no bytes moved for ${this.limits.stalledConnectionMs} ms`);
    });
    server.on('drop', (dropped?: { remoteAddress?: string }) => {
      this.counters.connectionsRefused += 1;
      this.logger.debug({ remote: dropped?.remoteAddress }, `refused a connection: ${this.limits.maxConnections} are open`);
    });
    // Over HTTPS a request's socket is the TLS socket, which exists once the handshake is done.
    server.on(server instanceof TlsServer ? 'secureConnection' : 'connection', (socket: Socket) => {
      const connection: Connection = { socket, waiting: [], answering: false, unreadBytes: 0 };
      this.#connections.set(socket, connection);
      socket.on('drain', () => this.#measure(connection));
      socket.once('close', () => this.#forget(connection));
    });
  }

  /** Answers `request` with `handle` when its connection's earlier requests are answered. */
  admit(request: IncomingMessage, response: ServerResponse, handle: Handler): void {
    const connection = this.#connections.get(request.socket);
    if (connection === undefined) {
      // Shed while Node still parsed the rest of its burst.
      response.destroy();
      return;
    }
    connection.waiting.push(async () => {
      response.once('close', () => this.#answerNext(connection));
      await handle();
      this.#measure(connection);
    });
    if (connection.waiting.length > this.limits.maxPipelinedRequests) {
      this.#shed(connection, `more than ${this.limits.maxPipelinedRequests} pipelined requests`);
      return;
    }
    if (!connection.answering) this.#answerNext(connection);
  }

  #answerNext(connection: Connection): void {
    const next = connection.waiting.shift();
    connection.answering = next !== undefined;
    if (next === undefined || !this.#connections.has(connection.socket)) return;
    void next();
  }

  #measure(connection: Connection): void {
    if (!this.#connections.has(connection.socket)) return;
    // What was written and not yet taken by the kernel: the client has not read it.
    const unreadBytes = connection.socket.writableLength;
    this.#totalBytes += unreadBytes - connection.unreadBytes;
    connection.unreadBytes = unreadBytes;
    this.#publish();
    if (unreadBytes > this.limits.maxConnectionUnreadBytes && connection.waiting.length > 0) {
      this.#shed(connection, `${unreadBytes} response bytes unread, over ${this.limits.maxConnectionUnreadBytes}, and more requests waiting`);
    }
    while (this.#totalBytes > this.limits.maxUnreadBytes) {
      const largest = this.#largest();
      if (largest === undefined) break;
      this.#shed(largest, `the node holds ${this.#totalBytes} unread response bytes, over ${this.limits.maxUnreadBytes}, this connection the most`);
    }
  }

  #largest(): Connection | undefined {
    let largest: Connection | undefined;
    for (const connection of this.#connections.values()) {
      if (connection.unreadBytes > (largest?.unreadBytes ?? 0)) largest = connection;
    }
    return largest;
  }

  #shed(connection: Connection, reason: string): void {
    this.counters.connectionsShed += 1;
    this.logger.debug({ remote: connection.socket.remoteAddress, reason }, 'closed a client connection');
    this.#forget(connection);
    connection.socket.destroy();
  }

  #forget(connection: Connection): void {
    if (!this.#connections.delete(connection.socket)) return;
    connection.waiting.length = 0;
    this.#totalBytes -= connection.unreadBytes;
    connection.unreadBytes = 0;
    this.#publish();
  }

  #publish(): void {
    this.counters.unreadResponseBytes = this.#totalBytes;
    this.counters.peakUnreadResponseBytes = Math.max(this.counters.peakUnreadResponseBytes, this.#totalBytes);
  }
}
