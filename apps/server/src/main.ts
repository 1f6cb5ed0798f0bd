import { pino } from 'pino';
import { startNode } from '@flotilla/multiraft';
import { createApp } from './app.js';
import { newHttpCounters } from './http-counters.js';
import { createHttpServer } from './http-server.js';
import { ConfigError, parseCommandLine, USAGE } from './config.js';
import type { CommandLine } from './config.js';

/** Exit code for a bad command line, as the usual CLI convention has it. */
const EXIT_USAGE = 2;
/** A shutdown that hangs past this is abandoned: a supervisor waits for us, and so does Ctrl-C. */
const SHUTDOWN_DEADLINE_MS = 30_000;

const readCommandLine = (): CommandLine => {
  try {
    return parseCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`flotilla-server: ${error.message}\n`);
    process.exit(EXIT_USAGE);
  }
};

const main = async (): Promise<void> => {
  const commandLine = readCommandLine();
  if (commandLine.kind === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const { config } = commandLine;
  const logger = pino({ level: config.logLevel, base: { node: config.node.id } });
  for (const warning of config.warnings) logger.warn(warning);

  const node = await startNode(config.node, logger);
  const counters = newHttpCounters();
  const app = createApp(node.service, { logger, counters });
  const server = createHttpServer(app, { logger, counters, limits: config.connectionLimits, tls: config.tls });
  server.listen(config.clientListen.port, config.clientListen.host, () => {
    logger.info(
      {
        clientUrl: config.node.advertiseClientUrl,
        listen: `${config.clientListen.host}:${config.clientListen.port}`,
        peerListen: `${config.node.peerListen.host}:${config.node.peerListen.port}`,
        dataDir: config.node.dataDir,
      },
      `flotilla node ${config.node.id} ready at ${config.node.advertiseClientUrl}`,
    );
  });
  server.on('error', (error) => {
    logger.fatal({ err: error }, 'the HTTP server failed');
    process.exit(1);
  });

  let shuttingDown = false;
  const shutDown = (signal: NodeJS.Signals): void => {
    if (shuttingDown) {
      logger.info({ signal }, 'already shutting down');
      return;
    }
    shuttingDown = true;
    // Should the event loop drain before close() settles, the process must not look clean.
    process.exitCode = 1;
    logger.info({ signal }, 'shutting down: closing the HTTP server, then the node');
    setTimeout(() => {
      logger.fatal(`shutdown did not finish within ${SHUTDOWN_DEADLINE_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS).unref();
    // close() stops accepting and waits for in-flight requests; idle keep-alive sockets would
    // hold it open forever, so they are closed now.
    const httpClosed = new Promise<void>((resolveClosed, rejectClosed) =>
      server.close((error) => (error === undefined ? resolveClosed() : rejectClosed(error))),
    );
    server.closeIdleConnections();
    httpClosed
      .then(() => node.close())
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      })
      .catch((error: unknown) => {
        logger.fatal({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', shutDown);
  process.on('SIGINT', shutDown);
};

main().catch((error: unknown) => {
  process.stderr.write(`flotilla-server: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
