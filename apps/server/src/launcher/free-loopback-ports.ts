import { createServer } from 'node:net';
import type { Server } from 'node:net';

const listenOnAnyPort = (server: Server): Promise<number> =>
  new Promise((resolveListening, rejectListening) => {
    server.once('error', rejectListening);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        rejectListening(new Error(`a TCP listener reported no port: ${String(address)}`));
        return;
      }
      resolveListening(address.port);
    });
  });

const close = (server: Server): Promise<void> =>
  new Promise((resolveClosed) => {
    server.close(() => resolveClosed());
  });

/**
 * `count` distinct loopback ports the kernel just handed out. All are held open until every one
 * is known, so no two are the same; they are released for the caller's processes to bind.
 */
export const freeLoopbackPorts = async (count: number): Promise<number[]> => {
  const servers = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(servers.map(listenOnAnyPort));
  } finally {
    await Promise.all(servers.map(close));
  }
};
