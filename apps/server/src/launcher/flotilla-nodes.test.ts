import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../config.js';
import { flotillaMembers, flotillaNodeArgs, loopbackNodes } from './flotilla-nodes.js';

const nodes = loopbackNodes([7001, 7101, 7002, 7102, 7003, 7103], (id) => `/d/${id}`);

describe('the launcher’s server command line', () => {
  it('gives each node its ports and data directory, and every settings flag it is given', () => {
    expect(flotillaNodeArgs(nodes[1]!, nodes, { shards: 12, tickMs: 50, logLevel: 'warn' })).toEqual([
      '--id=2',
      '--listen=127.0.0.1:7002',
      '--peer-listen=127.0.0.1:7102',
      '--peers=1=127.0.0.1:7101,2=127.0.0.1:7102,3=127.0.0.1:7103',
      '--data-dir=/d/2',
      '--shards=12',
      '--tick-ms=50',
      '--log-level=warn',
    ]);
  });

  it('is a command line the server itself accepts, meaning what the launcher meant', () => {
    const settings = { shards: 3, tickMs: 50, electionTicks: 20, heartbeatTicks: 2, snapshotEntries: 500, requestTimeoutMs: 4000, logLevel: 'debug' } as const;
    const parsed = parseCommandLine(flotillaNodeArgs(nodes[2]!, nodes, settings), { FLOTILLA_CLUSTER_SECRET: 'a-secret-of-enough-length' });
    if (parsed.kind !== 'run') throw new Error('expected a runnable configuration');
    const { node, clientListen, logLevel, warnings } = parsed.config;
    expect(warnings).toEqual([]);
    expect(clientListen).toEqual({ host: '127.0.0.1', port: 7003 });
    expect(logLevel).toBe('debug');
    expect(node).toMatchObject({
      id: 3,
      dataDir: '/d/3',
      peerListen: { host: '127.0.0.1', port: 7103 },
      initialShards: 3,
      clusterSecret: 'a-secret-of-enough-length',
      tickIntervalMs: 50,
      electionTimeoutTicks: 20,
      heartbeatIntervalTicks: 2,
      snapshotThresholdEntries: 500,
      requestTimeoutMs: 4000,
    });
    expect([...node.peers.keys()]).toEqual([1, 2, 3]);
  });

  it('hands the cluster secret over in the environment, never on the command line', () => {
    const [member] = flotillaMembers({ nodes, clusterSecret: 's3cret-s3cret-s3cret', serverMain: process.execPath, outputOf: () => ({ file: '/dev/null' }) });
    expect(member?.env).toEqual({ FLOTILLA_CLUSTER_SECRET: 's3cret-s3cret-s3cret' });
    expect(member?.args.join(' ')).not.toContain('s3cret');
    expect(member?.readyUrl).toBe('http://127.0.0.1:7001/readyz');
  });

  it('takes a client and a peer port per node', () => {
    expect(() => loopbackNodes([7001, 7101, 7002], String)).toThrow(RangeError);
  });
});
