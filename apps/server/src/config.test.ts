import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseCommandLine, USAGE } from './config.js';
import { DEFAULT_CONNECTION_LIMITS } from './connection-guard.js';
import type { ServerConfig } from './config.js';

const run = (argv: readonly string[], env: Record<string, string> = {}): ServerConfig => {
  const parsed = parseCommandLine(argv, env);
  if (parsed.kind !== 'run') throw new Error('expected a config, got help');
  return parsed.config;
};

const failure = (argv: readonly string[], env: Record<string, string> = {}): string => {
  try {
    parseCommandLine(argv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`expected a ConfigError for ${argv.join(' ')}`);
};

describe('parseCommandLine', () => {
  it('gives a single-node development setup with no flags', () => {
    const config = run([]);
    expect(config.clientListen).toEqual({ host: '127.0.0.1', port: 7001 });
    expect(config.logLevel).toBe('info');
    expect(config.node).toEqual({
      id: 1,
      dataDir: resolve('./data/node1'),
      peerListen: { host: '127.0.0.1', port: 7101 },
      peers: new Map([[1, { host: '127.0.0.1', port: 7101 }]]),
      advertiseClientUrl: 'http://127.0.0.1:7001',
      initialShards: 8,
      clusterSecret: expect.any(String),
      tickIntervalMs: 100,
      electionTimeoutTicks: 10,
      heartbeatIntervalTicks: 1,
      snapshotThresholdEntries: 10_000,
      snapshotThresholdBytes: 64 * 1024 * 1024,
      maxPendingRequests: 10_000,
      maxPendingBytes: 64 * 1024 * 1024,
      requestTimeoutMs: 5000,
      balanceIntervalMs: 5000,
    });
  });

  it('warns about the development secret on loopback, and not when a secret is given', () => {
    expect(run([]).warnings.join('\n')).toContain('development cluster secret');
    expect(run(['--cluster-secret', 'a-long-enough-secret']).warnings).toEqual([]);
    expect(run(['--cluster-secret', 'short']).warnings.join('\n')).toContain('shorter than 16');
  });

  it('refuses the development secret on any address other machines can reach', () => {
    for (const argv of [
      ['--peer-listen=10.1.2.3:7101'],
      ['--listen=192.168.1.5:7001'],
      ['--peers=1=127.0.0.1:7101,2=node2.example:7101'],
      ['--listen=0.0.0.0:7001', '--advertise-client-url=http://node1.example:7001'],
    ]) {
      expect(failure(argv)).toMatch(/reachable from other machines.*--cluster-secret/);
      expect(run([...argv, '--cluster-secret=a-long-enough-secret']).warnings).toEqual([]);
    }
    expect(run(['--peers=1=127.0.0.2:7101,2=[::1]:7102', '--peer-listen=localhost:7101']).warnings.join('\n')).toContain('development');
  });

  it('reads the cluster secret from a file, and refuses it given twice', () => {
    const files = new Map([['/etc/flotilla/secret', 'a-secret-from-a-file\n']]);
    const readText = (path: string): string => {
      const text = files.get(path);
      if (text === undefined) throw new Error('ENOENT: no such file');
      return text;
    };
    const parsed = parseCommandLine(['--cluster-secret-file=/etc/flotilla/secret', '--peer-listen=10.0.0.1:7101'], {}, readText);
    expect(parsed.kind === 'run' && parsed.config.node.clusterSecret).toBe('a-secret-from-a-file');
    expect(() => parseCommandLine(['--cluster-secret-file=/etc/flotilla/nope'], {}, readText)).toThrow(/--cluster-secret-file: cannot read "\/etc\/flotilla\/nope": ENOENT/);
    expect(failure(['--cluster-secret-file=/x', '--cluster-secret=a-long-enough-secret'])).toMatch(/give one/);
  });

  it('turns on TLS with --cert, --key and --ca together, and advertises https', () => {
    const readText = (path: string): string => `PEM of ${path}`;
    const parsed = parseCommandLine(['--cert=/pki/n1.crt', '--key=/pki/n1.key', '--ca=/pki/ca.crt'], {}, readText);
    if (parsed.kind !== 'run') throw new Error('expected a config');
    const tls = { cert: 'PEM of /pki/n1.crt', key: 'PEM of /pki/n1.key', ca: 'PEM of /pki/ca.crt' };
    expect(parsed.config.tls).toEqual(tls);
    expect(parsed.config.node.peerTls).toEqual(tls);
    expect(parsed.config.node.advertiseClientUrl).toBe('https://127.0.0.1:7001');
    expect(run([]).tls).toBeUndefined();
    expect(run([]).node.peerTls).toBeUndefined();
    expect(failure(['--cert=/a', '--key=/b'])).toMatch(/--cert, --key and --ca go together; only --cert, --key given/);
  });

  it('reads every flag in both spellings', () => {
    const config = run([
      '--id=2',
      '--data-dir',
      '/var/lib/flotilla',
      '--listen=127.0.0.1:8002',
      '--advertise-client-url',
      'http://node2.example:8002/',
      '--peer-listen=0.0.0.0:8102',
      '--peers=1=10.0.0.1:8101,2=10.0.0.2:8102,3=[::1]:8103',
      '--shards=16',
      '--cluster-secret=0123456789abcdef',
      '--tick-ms=50',
      '--election-ticks=20',
      '--heartbeat-ticks=2',
      '--snapshot-entries=500',
      '--snapshot-bytes=1048576',
      '--max-pending-requests=64',
      '--max-pending-bytes=4096',
      '--request-timeout-ms=2500',
      '--balance-interval-ms=2000',
      '--log-level=debug',
    ]);
    expect(config.node).toEqual({
      id: 2,
      dataDir: '/var/lib/flotilla',
      peerListen: { host: '0.0.0.0', port: 8102 },
      peers: new Map([
        [1, { host: '10.0.0.1', port: 8101 }],
        [2, { host: '10.0.0.2', port: 8102 }],
        [3, { host: '::1', port: 8103 }],
      ]),
      advertiseClientUrl: 'http://node2.example:8002',
      initialShards: 16,
      clusterSecret: '0123456789abcdef',
      tickIntervalMs: 50,
      electionTimeoutTicks: 20,
      heartbeatIntervalTicks: 2,
      snapshotThresholdEntries: 500,
      snapshotThresholdBytes: 1_048_576,
      maxPendingRequests: 64,
      maxPendingBytes: 4096,
      requestTimeoutMs: 2500,
      balanceIntervalMs: 2000,
    });
    expect(config.clientListen).toEqual({ host: '127.0.0.1', port: 8002 });
    expect(config.logLevel).toBe('debug');
  });

  it('falls back to FLOTILLA_* variables, and a flag beats its variable', () => {
    const env = {
      FLOTILLA_ID: '3',
      FLOTILLA_PEERS: '1=127.0.0.1:7101,2=127.0.0.1:7102,3=127.0.0.1:7103',
      FLOTILLA_SHARDS: '4',
      FLOTILLA_LISTEN: '127.0.0.1:7003',
      FLOTILLA_CLUSTER_SECRET: 'from-the-environment',
    };
    const config = run(['--shards=2'], env);
    expect(config.node.id).toBe(3);
    expect(config.node.initialShards).toBe(2);
    expect(config.node.clusterSecret).toBe('from-the-environment');
    expect(config.node.dataDir).toBe(resolve('./data/node3'));
    expect(config.node.advertiseClientUrl).toBe('http://127.0.0.1:7003');
    // The peer listener defaults to this node's own entry in the peer list.
    expect(config.node.peerListen).toEqual({ host: '127.0.0.1', port: 7103 });
  });

  it('reads the client connection limits from flags and FLOTILLA_MAX_CONNECTIONS', () => {
    expect(run([]).connectionLimits).toEqual(DEFAULT_CONNECTION_LIMITS);
    const config = run(['--max-unread-response-bytes=1048576', '--max-connection-unread-bytes', '65536'], { FLOTILLA_MAX_CONNECTIONS: '50' });
    expect(config.connectionLimits).toEqual({
      ...DEFAULT_CONNECTION_LIMITS,
      maxConnections: 50,
      maxConnectionUnreadBytes: 65_536,
      maxUnreadBytes: 1_048_576,
    });
    expect(() => run(['--max-connections=0'])).toThrow(/--max-connections must be an integer from 1/);
    // A connection is never closed as stalled while a request may still be waiting.
    expect(run(['--request-timeout-ms=600000']).connectionLimits.stalledConnectionMs).toBe(1_200_000);
  });

  it('treats an empty variable as unset and warns about unknown FLOTILLA_ variables', () => {
    const config = run([], { FLOTILLA_SHARDS: '', FLOTILLA_SHRADS: '4' });
    expect(config.node.initialShards).toBe(8);
    expect(config.warnings).toContain('ignoring unknown environment variable FLOTILLA_SHRADS');
  });

  it('makes the peer list this node alone when only --peer-listen is given', () => {
    const config = run(['--id=5', '--peer-listen=127.0.0.1:9105']);
    expect(config.node.peers).toEqual(new Map([[5, { host: '127.0.0.1', port: 9105 }]]));
  });

  it('answers help to --help and -h, and the usage names every flag', () => {
    expect(parseCommandLine(['--help'], {})).toEqual({ kind: 'help' });
    expect(parseCommandLine(['--shards=3', '-h'], {})).toEqual({ kind: 'help' });
    for (const flag of ['--id', '--data-dir', '--peers', '--cluster-secret', '--snapshot-bytes', '--log-level']) {
      expect(USAGE).toContain(flag);
    }
  });

  it.each([
    [['--nope=1'], 'unknown flag --nope'],
    [['stray'], 'unexpected argument "stray"'],
    [['--id'], '--id needs a value'],
    [['--id', '--shards=2'], '--id needs a value'],
    [['--id=1', '--id=2'], '--id is given twice'],
    [['--id=0'], '--id must be an integer from 1'],
    [['--id=-3'], '--id must be an integer'],
    [['--shards=eight'], '--shards must be an integer'],
    [['--shards=0'], '--shards must be an integer from 1'],
    [['--tick-ms=1.5'], '--tick-ms must be an integer'],
    [['--listen=7001'], '--listen must be host:port'],
    [['--listen=localhost:99999'], 'the port of --listen'],
    [['--listen=0.0.0.0:7001'], 'give --advertise-client-url'],
    [['--advertise-client-url=ftp://x:1'], '--advertise-client-url must be http(s)'],
    [['--advertise-client-url=http://x:1/api'], 'no path'],
    [['--advertise-client-url=not a url'], 'must be a URL'],
    [['--peers=1=127.0.0.1:7101,1=127.0.0.1:7102'], 'names node 1 twice'],
    [['--peers=1:127.0.0.1:7101'], 'must list id=host:port'],
    [['--peers=2=127.0.0.1:7102'], 'must include this node (id 1)'],
    [['--peers=1=127.0.0.1'], "node 1's address in --peers must be host:port"],
    [['--election-ticks=3', '--heartbeat-ticks=3'], 'must exceed --heartbeat-ticks'],
    [['--log-level=loud'], '--log-level must be one of'],
    [['--data-dir='], '--data-dir must not be empty'],
  ])('rejects %j: %s', (argv, message) => {
    expect(failure(argv)).toContain(message);
  });

  it('names the variable when a bad value came from the environment', () => {
    expect(failure([], { FLOTILLA_TICK_MS: 'fast' })).toContain('FLOTILLA_TICK_MS must be an integer');
  });
});
