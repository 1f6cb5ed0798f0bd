// The command line of `pnpm bench:compare`.
import { parseArgs } from 'node:util';
import { parseChoiceFlag, parseIntegerFlag, parseNumberFlag } from './flag-values.js';
import type { TargetKind } from './load-spec.js';
import { TARGET_KINDS } from './load-spec.js';
import { GENERATOR_KINDS } from './workloads.js';
import type { GeneratorKind } from './workloads.js';
import { UsageError } from './usage-error.js';

export const COMPARE_USAGE = `usage: pnpm bench:compare -- [flags]
  --rounds N            run the whole plan N times, each system fresh each round, in rotated
                        order; the table shows medians over rounds (default 3)
  --duration S          measured seconds per workload (default 8)
  --warmup S            unmeasured seconds before each workload (default 2)
  --only etcd|flotilla  run one side only
  --generator node|wrk  node: the bench's own generator, in this process (default); wrk: the
                        wrk binary (apt-get install wrk), a C generator whose cost per request
                        is small, for puts, linearizable gets and hot-key puts
  --shards LIST         the Flotilla clusters to run, by shard count (default 1,8; 8 is the
                        default of a new cluster)
  --server-main PATH    the built Flotilla server (default apps/server/dist/main.js)
  --etcd PATH           the etcd binary (default: etcd on PATH; etcd is skipped when absent)
  --out-dir DIR         where the JSON result goes (default bench-results)
  --seed S              seed of the key choice (default 1)
  --keep-data           keep the servers' temp data dirs and logs
  --json                print the JSON result on stdout instead of the table`;

const MAX_ROUNDS = 100;
const MAX_SHARDS = 4096;

export interface CompareOptions {
  readonly rounds: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly only: TargetKind | undefined;
  readonly generator: GeneratorKind;
  /** One Flotilla cluster per entry, with that many shards. */
  readonly shardCounts: readonly number[];
  readonly serverMain: string | undefined;
  readonly etcdPath: string | undefined;
  readonly outDir: string;
  readonly seed: number;
  readonly keepData: boolean;
  readonly json: boolean;
}

export type CompareCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: CompareOptions };

export function parseCompareArgs(argv: readonly string[]): CompareCommand {
  let flags;
  try {
    flags = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        rounds: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        only: { type: 'string' },
        generator: { type: 'string' },
        shards: { type: 'string' },
        'server-main': { type: 'string' },
        etcd: { type: 'string' },
        'out-dir': { type: 'string' },
        seed: { type: 'string' },
        'keep-data': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  if (flags.help === true) return { kind: 'help' };
  const outDir = flags['out-dir'] ?? 'bench-results';
  if (outDir.trim() === '') throw new UsageError('--out-dir must not be empty');
  return {
    kind: 'run',
    options: {
      rounds: parseIntegerFlag('rounds', flags.rounds ?? '3', 1, MAX_ROUNDS),
      durationS: parseNumberFlag('duration', flags.duration ?? '8', 0.1, 3600),
      warmupS: parseNumberFlag('warmup', flags.warmup ?? '2', 0, 3600),
      only: flags.only === undefined ? undefined : parseChoiceFlag('only', flags.only, TARGET_KINDS),
      generator: parseChoiceFlag('generator', flags.generator ?? 'node', GENERATOR_KINDS),
      shardCounts: [...new Set((flags.shards ?? '1,8').split(',').map((text) => parseIntegerFlag('shards', text, 1, MAX_SHARDS)))],
      serverMain: flags['server-main'],
      etcdPath: flags.etcd,
      outDir,
      seed: parseIntegerFlag('seed', flags.seed ?? '1', 0, 2 ** 32 - 1),
      keepData: flags['keep-data'] === true,
      json: flags.json === true,
    },
  };
}
