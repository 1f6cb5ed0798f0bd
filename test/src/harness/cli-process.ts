import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Three levels below the repository root, from test/src/harness or test/dist/harness alike.
const CLI_BIN = fileURLToPath(new URL('../../../apps/cli/bin/flotilla.js', import.meta.url));
/** A command that hangs past this is a failure of its own, not a test waiting forever. */
const CLI_PATIENCE_MS = 60_000;

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `flotilla ARGS` as a user would (the workspace bin, which builds the CLI if it has to). */
export const runFlotilla = (
  args: readonly string[],
  options: { readonly env?: Readonly<Record<string, string>>; readonly stdin?: string } = {},
): Promise<CliRun> =>
  new Promise((resolveRun, rejectRun) => {
    const env = { ...process.env, FLOTILLA_ENDPOINTS: '', ...options.env };
    const child = spawn(process.execPath, [CLI_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), CLI_PATIENCE_MS);
    child.once('error', rejectRun);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() });
    });
    child.stdin.end(options.stdin ?? '');
  });
