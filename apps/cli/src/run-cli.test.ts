import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT } from './exit-codes.js';
import { runCli } from './run-cli.js';

/** A node that answers every request with one scripted error. */
const errorNode = async (status: number, code: string): Promise<{ url: string; server: Server }> => {
  const server = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: { code, message: `says ${code}`, current_revision: 3 } }));
    });
  });
  await new Promise<void>((resolveListening) => server.listen(0, '127.0.0.1', resolveListening));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { url: `http://127.0.0.1:${address.port}`, server };
};

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolveClosed) => server.close(resolveClosed))));
});

const run = async (argv: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {}, {
    stdout: (chunk) => (stdout += String(chunk)),
    stderr: (text) => (stderr += text),
    readStdin: async () => new Uint8Array(),
  });
  return { code, stdout, stderr };
};

describe('runCli exit codes', () => {
  it.each([
    [412, 'compare_failed', ['put', 'k', 'v', '--if-revision', '2'], EXIT.COMPARE_FAILED],
    [504, 'unknown_outcome', ['put', 'k', 'v'], EXIT.UNKNOWN_OUTCOME],
    [404, 'key_not_found', ['get', 'k'], EXIT.NOT_FOUND],
    [400, 'bad_query', ['scan', 'p'], EXIT.ERROR],
    [500, 'internal', ['get', 'k'], EXIT.ERROR],
  ])('answers %i %s with its exit code', async (status, code, argv, exit) => {
    const node = await errorNode(status, code);
    servers.push(node.server);
    const result = await run([`--endpoints=${node.url}`, ...argv]);
    expect(result.code).toBe(exit);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^flotilla: /);
  });

  it('exits 1 when no endpoint can serve before the command timeout, naming each', async () => {
    const node = await errorNode(503, 'no_leader');
    servers.push(node.server);
    const result = await run([`--endpoints=${node.url}`, '--command-timeout=1s', 'get', 'k']);
    expect(result.code).toBe(EXIT.ERROR);
    // Given up between rounds (UnavailableError) or cut short in one (DeadlineExceededError): either names the refusal.
    expect(result.stderr).toContain(`${node.url}: says no_leader`);
  });

  it('exits 2 for a bad command line and 0 for --help, sending nothing', async () => {
    expect((await run(['get'])).code).toBe(EXIT.USAGE);
    expect((await run(['--endpoints=ftp://x:1', 'get', 'k'])).code).toBe(EXIT.USAGE);
    const help = await run(['--help']);
    expect(help.code).toBe(EXIT.OK);
    expect(help.stdout).toContain('Exit codes:');
  });
});
