import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** 256 bits: nobody guesses it, and it is the same strength whoever made the cluster. */
const SECRET_BYTES = 32;

/**
 * The secret of a local cluster: made on the first run (readable by its owner only) and read on
 * every later run, so the nodes of `pnpm start` never fall back to the built-in development
 * secret and a restarted cluster keeps the secret its nodes know each other by.
 */
export function loadOrCreateClusterSecret(path: string): string {
  try {
    const stored = readFileSync(path, 'utf8').trim();
    if (stored.length > 0) return stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(SECRET_BYTES).toString('hex');
  mkdirSync(dirname(path), { recursive: true });
  // `wx`: if two starts race, the second fails instead of replacing the first one's secret.
  writeFileSync(path, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
