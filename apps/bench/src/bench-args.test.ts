import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './bench-args.js';
import type { BenchCliOptions } from './bench-args.js';
import { UsageError } from './usage-error.js';

function parsed(argv: string[]): BenchCliOptions {
  const command = parseBenchArgs(argv);
  if (command.kind !== 'run') throw new Error('expected a run');
  return command.options;
}

function refusal(argv: string[]): string {
  try {
    parseBenchArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as UsageError).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
}

describe('parseBenchArgs', () => {
  it('fills the documented defaults', () => {
    const { spec, json } = parsed([]);
    expect(json).toBe(false);
    expect(spec).toEqual({
      target: 'flotilla',
      endpoints: [{ host: '127.0.0.1', port: 7001 }],
      clients: 1,
      connsPerEndpoint: 1,
      stop: { kind: 'duration', durationS: 10 },
      warmupS: 0,
      keySizeBytes: 16,
      valueSizeBytes: 256,
      keySpace: 1_000_000,
      sequentialKeys: false,
      readRatio: 0,
      consistency: { mode: 'linearizable' },
      seed: 1,
      requestTimeoutMs: 10_000,
    });
  });

  it('reads every flag', () => {
    const { spec, json } = parsed([
      '--target', 'etcd', '--endpoints', '127.0.0.1:2379,127.0.0.1:22379', '--clients', '64', '--conns', '8',
      '--total', '5000', '--warmup', '1.5', '--key-size', '10', '--val-size', '0', '--key-space', '100',
      '--seq-keys', '--read-ratio', '0.9', '--consistency', 'stale', '--seed', '42', '--timeout-ms', '250', '--json',
    ]);
    expect(json).toBe(true);
    expect(spec).toMatchObject({
      target: 'etcd',
      endpoints: [{ host: '127.0.0.1', port: 2379 }, { host: '127.0.0.1', port: 22379 }],
      clients: 64,
      connsPerEndpoint: 8,
      stop: { kind: 'total', requests: 5000 },
      warmupS: 1.5,
      keySizeBytes: 10,
      valueSizeBytes: 0,
      keySpace: 100,
      sequentialKeys: true,
      readRatio: 0.9,
      consistency: { mode: 'stale' },
      seed: 42,
      requestTimeoutMs: 250,
    });
  });

  it('defaults etcd to its client port and gives each client its own socket', () => {
    const { spec } = parsed(['--target', 'etcd', '--endpoints', 'a:1,b:2,c:3', '--clients', '10']);
    expect(spec.connsPerEndpoint).toBe(4);
    expect(parsed(['--target', 'etcd']).spec.endpoints).toEqual([{ host: '127.0.0.1', port: 2379 }]);
  });

  it('takes bounded staleness with its bound only', () => {
    expect(parsed(['--consistency', 'bounded', '--max-staleness-ms', '500']).spec.consistency).toEqual({ mode: 'bounded', maxStalenessMs: 500 });
    expect(refusal(['--consistency', 'bounded'])).toMatch(/needs --max-staleness-ms/);
    expect(refusal(['--max-staleness-ms', '5'])).toMatch(/only goes with --consistency bounded/);
    expect(refusal(['--target', 'etcd', '--consistency', 'bounded', '--max-staleness-ms', '5'])).toMatch(/etcd has no bounded/);
  });

  it('refuses bad flags with a message that names them', () => {
    expect(refusal(['--clients', '0'])).toMatch(/--clients must be an integer in \[1, 10000\], got '0'/);
    expect(refusal(['--clients', '2.5'])).toMatch(/--clients/);
    expect(refusal(['--clients', 'many'])).toMatch(/--clients/);
    expect(refusal(['--read-ratio', '1.5'])).toMatch(/--read-ratio must be a number in \[0, 1\]/);
    expect(refusal(['--read-ratio', ''])).toMatch(/--read-ratio/);
    expect(refusal(['--target', 'redis'])).toMatch(/--target must be one of flotilla\|etcd, got 'redis'/);
    expect(refusal(['--consistency', 'eventual'])).toMatch(/--consistency must be one of/);
    expect(refusal(['--endpoints', 'localhost'])).toMatch(/host:port/);
    expect(refusal(['--endpoints', 'a:70000'])).toMatch(/--endpoints must be an integer in \[1, 65535\]/);
    expect(refusal(['--endpoints', 'a:1,a:1'])).toMatch(/twice/);
    expect(refusal(['--total', '10', '--duration', '5'])).toMatch(/not both/);
    expect(refusal(['--duration', '0'])).toMatch(/--duration/);
    expect(refusal(['--val-size', String(17 * 1024 * 1024)])).toMatch(/--val-size/);
    expect(refusal(['--key-size', '4', '--key-space', '1000000'])).toMatch(/too short for --key-space 1000000: need at least 7/);
    expect(refusal(['--seed', '-1'])).toMatch(/--seed/);
    expect(refusal(['--bogus'])).toMatch(/bogus/);
    expect(refusal(['--clients'])).toMatch(/clients/);
    expect(refusal(['stray'])).toMatch(/stray/);
  });

  it('answers --help without running', () => {
    expect(parseBenchArgs(['--help'])).toEqual({ kind: 'help' });
  });
});
