import { describe, expect, it } from 'vitest';
import { parseCompareArgs } from './compare-args.js';
import { UsageError } from './usage-error.js';

describe('parseCompareArgs', () => {
  it('fills the defaults', () => {
    expect(parseCompareArgs([])).toEqual({
      kind: 'run',
      options: { rounds: 3, durationS: 8, warmupS: 2, only: undefined, generator: 'node', shardCounts: [1, 8], serverMain: undefined, etcdPath: undefined, outDir: 'bench-results', seed: 1, keepData: false, json: false },
    });
  });

  it('reads every flag', () => {
    const command = parseCompareArgs(['--rounds', '5', '--duration', '3', '--warmup', '0', '--only', 'etcd', '--generator', 'wrk', '--shards', '2,16,2', '--server-main', 'x.js', '--etcd', '/bin/etcd', '--out-dir', 'out', '--seed', '9', '--keep-data', '--json']);
    expect(command).toEqual({
      kind: 'run',
      options: { rounds: 5, durationS: 3, warmupS: 0, only: 'etcd', generator: 'wrk', shardCounts: [2, 16], serverMain: 'x.js', etcdPath: '/bin/etcd', outDir: 'out', seed: 9, keepData: true, json: true },
    });
  });

  it('refuses bad flags clearly', () => {
    expect(() => parseCompareArgs(['--only', 'redis'])).toThrow(new UsageError("--only must be one of flotilla|etcd, got 'redis'"));
    expect(() => parseCompareArgs(['--duration', '0'])).toThrow(/--duration must be a number/);
    expect(() => parseCompareArgs(['--out-dir', ' '])).toThrow(/--out-dir/);
    expect(() => parseCompareArgs(['--clients', '5'])).toThrow(UsageError);
    expect(() => parseCompareArgs(['--generator', 'ab'])).toThrow(new UsageError("--generator must be one of node|wrk, got 'ab'"));
    expect(() => parseCompareArgs(['--shards', '1,0'])).toThrow(/--shards must be an integer in \[1, 4096\]/);
  });

  it('takes a whole number of rounds, at least one', () => {
    expect(parseCompareArgs(['--rounds', '1'])).toMatchObject({ options: { rounds: 1 } });
    expect(parseCompareArgs(['--rounds', '100'])).toMatchObject({ options: { rounds: 100 } });
    for (const bad of ['0', '-1', '2.5', 'three', '', '101']) {
      expect(() => parseCompareArgs([`--rounds=${bad}`])).toThrow(new UsageError(`--rounds must be an integer in [1, 100], got '${bad}'`));
    }
  });
});
