import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { PeerAddress } from './transport.js';

/**
 * Where sockets come from: plain TCP, or mutual TLS (tls-sockets.ts; tls.connect and
 * tls.createServer give net.Socket and net.Server subclasses). Everything above speaks frames.
 */
export interface SocketFactory {
  connect(address: PeerAddress): Socket;
  createServer(onConnection: (socket: Socket) => void): Server;
}

export const plainTcpSockets: SocketFactory = {
  connect: (address) => connect({ host: address.host, port: address.port }),
  createServer: (onConnection) => createServer(onConnection),
};
