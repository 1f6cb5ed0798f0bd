import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// This file sits in test/src/harness (or test/dist/harness once built): three levels below the
// repository root either way.
const SERVER_MAIN = new URL('../../../apps/server/dist/main.js', import.meta.url);

/** The built server entry point; the cluster tests run real processes of it. */
export const serverScriptPath = (): string => {
  const path = fileURLToPath(SERVER_MAIN);
  if (!existsSync(path)) {
    throw new Error(`${path} does not exist: build the server first with \`pnpm exec tsc -b apps/server\``);
  }
  return path;
};
