import { describe, expect, it } from 'vitest';
import { DEFAULT_ENDPOINTS, parseCommandLine } from './command-line.js';
import { UsageError } from './usage-error.js';

const parse = (argv: string[], env: Record<string, string> = {}) => parseCommandLine(argv, env);

describe('parseCommandLine', () => {
  it('reads each command with its own flags, and global flags anywhere', () => {
    expect(parse(['put', 'k', 'v', '--if-revision', '0', '--endpoints=a:1,b:2']).command).toEqual({ name: 'put', key: 'k', value: 'v', ifRevision: 0 });
    expect(parse(['put', 'k']).command).toMatchObject({ name: 'put', value: undefined });
    expect(parse(['put', 'k', '--', '-dash']).command).toMatchObject({ value: '-dash' });
    expect(parse(['-w', 'json', 'get', 'k', '--consistency', 'bounded', '--max-staleness-ms', '250'])).toEqual({
      flags: { endpoints: DEFAULT_ENDPOINTS.split(','), output: 'json', commandTimeoutMs: 5000 },
      command: { name: 'get', key: 'k', consistency: { maxStalenessMs: 250 }, printValueOnly: false },
    });
    expect(parse(['get', 'k', '--consistency=stale']).command).toMatchObject({ consistency: 'stale' });
    expect(parse(['del', 'k']).command).toEqual({ name: 'del', key: 'k', ifRevision: undefined });
    expect(parse(['scan', '--limit', '5', '--keys-only']).command).toEqual({ name: 'scan', prefix: '', limit: 5, consistency: 'linearizable', keysOnly: true });
    expect(parse(['status']).command).toEqual({ name: 'status' });
    expect(parse(['endpoint', 'status']).command).toEqual({ name: 'status' });
    expect(parse(['endpoint', 'health', '--command-timeout', '500ms']).command).toEqual({ name: 'endpoint-health' });
    expect(parse([]).command).toEqual({ name: 'help' });
    expect(parse(['get', '--help']).command).toEqual({ name: 'help' });
  });

  it('takes endpoints from --endpoints, else FLOTILLA_ENDPOINTS, else the local defaults', () => {
    expect(parse(['status'], { FLOTILLA_ENDPOINTS: 'x:1, y:2' }).flags.endpoints).toEqual(['x:1', 'y:2']);
    expect(parse(['status', '--endpoints', 'z:3'], { FLOTILLA_ENDPOINTS: 'x:1' }).flags.endpoints).toEqual(['z:3']);
    expect(parse(['status'], { FLOTILLA_ENDPOINTS: '' }).flags.endpoints).toEqual(DEFAULT_ENDPOINTS.split(','));
  });

  it('reads --command-timeout as a duration', () => {
    expect(parse(['status', '--command-timeout', '1.5s']).flags.commandTimeoutMs).toBe(1500);
    expect(parse(['status', '--command-timeout', '2m']).flags.commandTimeoutMs).toBe(120_000);
    expect(parse(['status', '--command-timeout', '3']).flags.commandTimeoutMs).toBe(3000);
  });

  it.each([
    [['frobnicate']],
    [['get']],
    [['get', 'a', 'b']],
    [['put']],
    [['get', 'k', '--if-revision', '3']],
    [['put', 'k', 'v', '--if-revision', '-1']],
    [['put', 'k', 'v', '--if-revision', 'x']],
    [['get', 'k', '--consistency', 'bounded']],
    [['get', 'k', '--max-staleness-ms', '5']],
    [['get', 'k', '--consistency', 'sequential']],
    [['get', 'k', '-w', 'yaml']],
    [['get', 'k', '--bogus']],
    [['scan', 'p', '--limit', '0']],
    [['status', '--command-timeout', 'soon']],
    [['status', '--endpoints', ',']],
    [['endpoint', 'hello']],
  ])('refuses %j with a UsageError', (argv) => {
    expect(() => parse(argv)).toThrow(UsageError);
  });
});
