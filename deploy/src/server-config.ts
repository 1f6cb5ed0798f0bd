import { readFileSync } from 'node:fs';
import { parseCommandLine } from '@flotilla/server';
import type { ServerConfig } from '@flotilla/server';
import { deployPath } from './deploy-paths.js';

/** What an operator puts in the cluster-secret variable; the files themselves hold none. */
export const SAMPLE_CLUSTER_SECRET = 'a-sample-cluster-secret-of-some-length';

/**
 * The server's own parser over a deploy file's flags and environment. A flag it does not know,
 * a malformed value (its ConfigError), or anything it would warn about at start (an unknown
 * FLOTILLA_ variable, a weak secret) fails the check.
 */
export const serverConfig = (argv: readonly string[], env: Readonly<Record<string, string>>): ServerConfig => {
  const commandLine = parseCommandLine(argv, env);
  if (commandLine.kind !== 'run') throw new Error(`${argv.join(' ')} asks the server for --help`);
  if (commandLine.config.warnings.length > 0) {
    throw new Error(`the server would warn at start: ${commandLine.config.warnings.join('; ')}`);
  }
  return commandLine.config;
};

const serverSource = (file: string): string => readFileSync(deployPath(`../apps/server/src/${file}`), 'utf8');

/** How long the server's graceful shutdown may take, read from its source: supervisors must wait longer. */
export const serverShutdownDeadlineMs = (): number => {
  const match = /const SHUTDOWN_DEADLINE_MS = ([0-9_]+);/.exec(serverSource('main.ts'));
  if (match?.[1] === undefined) throw new Error('apps/server/src/main.ts no longer declares SHUTDOWN_DEADLINE_MS');
  return Number(match[1].replaceAll('_', ''));
};

/** The probe paths the server serves (`..._PATH = '/...'` in its health routes). */
export const serverProbePaths = (): Set<string> =>
  new Set([...serverSource('health-routes.ts').matchAll(/_PATH = '(\/[a-z/]+)'/g)].map((match) => match[1] as string));
