import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** A request the fake node received, body included. */
export interface SeenRequest {
  readonly method: string;
  /** Path and query exactly as sent, still percent-encoded. */
  readonly url: string;
  readonly body: Buffer;
  /** Which connection it came on: 1 for the node's first, and so on. */
  readonly connection: number;
}

/** Answers one request; may also leave it hanging or destroy its socket. */
export type FakeHandler = (request: SeenRequest, response: ServerResponse, socket: Socket) => void;

/** An HTTP server on a loopback port that answers as a test scripts it, and records what it saw. */
export class FakeNode {
  readonly requests: SeenRequest[] = [];
  private connections = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    public handler: FakeHandler,
  ) {}

  static async start(handler: FakeHandler): Promise<FakeNode> {
    const server = createServer();
    await new Promise<void>((resolveListening) => server.listen(0, '127.0.0.1', resolveListening));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the fake node has no port');
    const node = new FakeNode(server, `http://127.0.0.1:${address.port}`, handler);
    server.on('connection', (socket: Socket & { fakeConnection?: number }) => {
      node.connections++;
      socket.fakeConnection = node.connections;
      node.sockets.add(socket);
      socket.once('close', () => node.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const socket = request.socket as Socket & { fakeConnection?: number };
        const seen = { method: request.method ?? '', url: request.url ?? '', body: Buffer.concat(chunks), connection: socket.fakeConnection ?? 0 };
        node.requests.push(seen);
        node.handler(seen, response, socket);
      });
    });
    return node;
  }

  get connectionCount(): number {
    return this.connections;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolveClosed) => this.server.close(() => resolveClosed()));
  }
}

export const answerJson = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
};

export const answerError = (response: ServerResponse, status: number, code: string, headers: Record<string, string> = {}, details: Record<string, unknown> = {}): void =>
  answerJson(response, status, { error: { code, message: `fake ${code}`, ...details } }, headers);

/** A loopback URL nothing listens on: a port the kernel handed out and took back. */
export const deadEndpoint = async (): Promise<string> => {
  const node = await FakeNode.start(() => undefined);
  await node.stop();
  return node.url;
};
