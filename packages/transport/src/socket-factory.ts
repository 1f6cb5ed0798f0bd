import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { PeerAddress } from './transport.js';

/**
 * Where sockets come from. TLS later replaces this (tls.connect / tls.createServer give
 * net.Socket / net.Server subclasses); everything above speaks only frames.
 */
export interface SocketFactory {
  connect(address: PeerAddress): Socket;
  createServer(onConnection: (socket: Socket) => void): Server;
}

export const plainTcpSockets: SocketFactory = {
  connect: (address) => connect({ host: address.host, port: address.port }),
  createServer: (onConnection) => createServer(onConnection),
};
