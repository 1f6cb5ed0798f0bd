#!/usr/bin/env node
// `flotilla` as pnpm links it into node_modules/.bin. It runs the built CLI, and builds it
// first (tsc -b: the CLI and the client under it) when there is no build yet, so that
// `pnpm flotilla ...` works straight after `pnpm install`. `pnpm build` rebuilds it after a change.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { fileURLToPath, URL } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  process.stderr.write('flotilla: building the CLI first (only this once)\n');
  // The build's own output goes to stderr too: stdout is the command's answer.
  const build = spawnSync(process.execPath, [tsc, '-b', fileURLToPath(new URL('../tsconfig.build.json', import.meta.url))], { stdio: ['ignore', 2, 2] });
  if (build.status !== 0) {
    process.stderr.write('flotilla: building the CLI failed\n');
    process.exit(1);
  }
}
await import(main.href);
