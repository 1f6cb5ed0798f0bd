export { createApp, DEFAULT_MAX_BODY_BYTES } from './app.js';
export type { AppOptions } from './app.js';
export { parseCommandLine, ConfigError, USAGE } from './config.js';
export type { CommandLine, ServerConfig } from './config.js';
