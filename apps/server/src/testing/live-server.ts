import { request } from 'node:http';
import type { ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CONNECTION_LIMITS } from '../connection-guard.js';
import { createHttpServer } from '../http-server.js';
import type { ConnectionLimits } from '../connection-guard.js';
import type { TestApp } from './test-app.js';

/** An app served by a real @hono/node-server, so requests reach it as Node IncomingMessages. */
export interface LiveServer {
  readonly port: number;
  /** Stops listening and drops every connection, open requests included. */
  close(): Promise<void>;
}

/** The test app behind the server main runs, with the default connection limits unless told. */
export const listen = async (testApp: TestApp, limits: Partial<ConnectionLimits> = {}): Promise<LiveServer> =>
  new Promise((resolveListening) => {
    const server = createHttpServer(testApp.app, {
      logger: testApp.logger,
      counters: testApp.counters,
      limits: { ...DEFAULT_CONNECTION_LIMITS, ...limits },
    });
    server.listen(0, '127.0.0.1', () =>
      resolveListening({
        port: (server.address() as AddressInfo).port,
        close: async () => {
          server.closeAllConnections();
          await new Promise<void>((resolveClosed) => server.close(() => resolveClosed()));
        },
      }),
    );
  });

export interface OpenRequest {
  /** Write the body to it, or leave it unfinished on purpose. */
  readonly client: ClientRequest;
  readonly response: Promise<IncomingMessage>;
}

export const openRequest = (port: number, method: string, path: string, headers: OutgoingHttpHeaders): OpenRequest => {
  const client = request({ host: '127.0.0.1', port, path, method, headers });
  // The server may close the socket while we still write; that is the point, not a failure.
  client.on('error', () => undefined);
  const response = new Promise<IncomingMessage>((resolveResponse) => client.once('response', resolveResponse));
  return { client, response };
};

export const readAll = async (response: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};
