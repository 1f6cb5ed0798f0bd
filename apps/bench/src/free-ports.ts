// Ports picked by the kernel, so a bench run does not collide with servers the other
// engineers (or a previous run) left listening on the well-known ports.
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';

export async function freePorts(count: number): Promise<number[]> {
  // All listeners stay open until every port is known, so the ports are distinct.
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once('error', reject);
          server.listen(0, '127.0.0.1', () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as AddressInfo).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}
