import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { createApp } from '@flotilla/server';
import { FakeKvService } from './fake-kv-service.js';

// The HTTP face alone, over the in-memory fake service: no Raft, no disk, so a CPU profile of
// this process under load shows what the server itself costs per request.
//   pnpm build && pnpm --filter @flotilla/server build:tools
//   node --cpu-prof apps/server/dist-tools/serve-fake.js [port]
// Prints the port it listens on (127.0.0.1); SIGINT or SIGTERM stops it, which writes the profile.

const portArg = process.argv[2] ?? '0';
const port = Number(portArg);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`serve-fake: the port must be an integer from 0 to 65535, got "${portArg}"\n`);
  process.exit(2);
}

const service = new FakeKvService({ recordCalls: false });
const app = createApp(service, { logger: pino({ level: 'warn' }) });
const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port }, (info: AddressInfo) => {
  process.stdout.write(`serve-fake listening on 127.0.0.1:${info.port}\n`);
});

const stop = (): void => {
  if ('closeAllConnections' in server) server.closeAllConnections();
  server.close(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
