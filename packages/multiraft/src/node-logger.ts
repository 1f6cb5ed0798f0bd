import type { Logger } from '@flotilla/raft';

/** The part of a pino logger the host uses; pino's `Logger` satisfies it as it is. */
export interface NodeLogger {
  debug(fields: object, message: string): void;
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** The core's and the transport's logger interface, written to the node's logger. */
export const coreLogger = (logger: NodeLogger, fields: object): Logger => ({
  debug: (message, extra) => logger.debug({ ...fields, ...extra }, message),
  info: (message, extra) => logger.info({ ...fields, ...extra }, message),
  warn: (message, extra) => logger.warn({ ...fields, ...extra }, message),
});
