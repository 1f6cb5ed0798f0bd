// The command line of `pnpm bench` (shaped like etcd's `benchmark` tool) turned into a
// checked LoadSpec; every bad flag is refused with a UsageError naming it.
import { parseArgs } from 'node:util';
import { parseChoiceFlag, parseEndpointsFlag, parseIntegerFlag, parseNumberFlag } from './flag-values.js';
import { minKeySizeBytes } from './keys.js';
import type { LoadSpec, ReadConsistency, StopCondition, TargetKind } from './load-spec.js';
import { TARGET_KINDS } from './load-spec.js';
import { UsageError } from './usage-error.js';

export const MAX_CLIENTS = 10_000;
export const MAX_CONNS_PER_ENDPOINT = 10_000;
export const MAX_VALUE_SIZE_BYTES = 16 * 1024 * 1024;
export const MAX_KEY_SIZE_BYTES = 64 * 1024;
const MAX_KEY_SPACE = 1e12;
const MAX_DURATION_S = 24 * 3600;

const DEFAULT_ENDPOINTS: Record<TargetKind, string> = { flotilla: '127.0.0.1:7001', etcd: '127.0.0.1:2379' };

export const BENCH_USAGE = `usage: pnpm bench -- [flags]
  --target flotilla|etcd        server kind (default flotilla)
  --endpoints host:port,...     clients are spread over these (default 127.0.0.1:7001 / :2379)
  --clients N                   concurrent logical clients, one request each at a time (default 1)
  --conns N                     keep-alive sockets per endpoint (default: one per client)
  --total N | --duration S      stop after N measured requests, or after S seconds (default --duration 10)
  --warmup S                    seconds of unmeasured load first (default 0)
  --key-size B                  key length in bytes (default 16)
  --val-size B                  value length in bytes (default 256)
  --key-space N                 distinct keys (default 1000000)
  --seq-keys                    keys 0,1,2,... instead of seeded random keys
  --read-ratio R                fraction of reads, 0..1 (default 0: all puts)
  --consistency linearizable|stale|bounded   read consistency (default linearizable)
  --max-staleness-ms N          bound for --consistency bounded
  --seed S                      seed of the key choice (default 1)
  --timeout-ms N                per-request timeout (default 10000)
  --json                        print the result as JSON on stdout`;

export interface BenchCliOptions {
  readonly spec: LoadSpec;
  readonly json: boolean;
}

export type BenchCommand = { readonly kind: 'help' } | { readonly kind: 'run'; readonly options: BenchCliOptions };

function parseFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        target: { type: 'string' },
        endpoints: { type: 'string' },
        clients: { type: 'string' },
        conns: { type: 'string' },
        total: { type: 'string' },
        duration: { type: 'string' },
        warmup: { type: 'string' },
        'key-size': { type: 'string' },
        'val-size': { type: 'string' },
        'key-space': { type: 'string' },
        'seq-keys': { type: 'boolean' },
        'read-ratio': { type: 'string' },
        consistency: { type: 'string' },
        'max-staleness-ms': { type: 'string' },
        seed: { type: 'string' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseConsistency(target: TargetKind, mode: string | undefined, maxStalenessText: string | undefined): ReadConsistency {
  const chosen = parseChoiceFlag('consistency', mode ?? 'linearizable', ['linearizable', 'stale', 'bounded']);
  if (chosen !== 'bounded') {
    if (maxStalenessText !== undefined) throw new UsageError('--max-staleness-ms only goes with --consistency bounded');
    return { mode: chosen };
  }
  if (target === 'etcd') throw new UsageError('etcd has no bounded-staleness reads; use linearizable or stale');
  if (maxStalenessText === undefined) throw new UsageError('--consistency bounded needs --max-staleness-ms');
  return { mode: 'bounded', maxStalenessMs: parseIntegerFlag('max-staleness-ms', maxStalenessText, 0, 3_600_000) };
}

function parseStop(totalText: string | undefined, durationText: string | undefined): StopCondition {
  if (totalText !== undefined && durationText !== undefined) throw new UsageError('give --total or --duration, not both');
  if (totalText !== undefined) return { kind: 'total', requests: parseIntegerFlag('total', totalText, 1, Number.MAX_SAFE_INTEGER) };
  return { kind: 'duration', durationS: parseNumberFlag('duration', durationText ?? '10', 0.001, MAX_DURATION_S) };
}

export function parseBenchArgs(argv: readonly string[]): BenchCommand {
  const flags = parseFlags(argv);
  if (flags.help === true) return { kind: 'help' };
  const target = parseChoiceFlag('target', flags.target ?? 'flotilla', TARGET_KINDS);
  const endpoints = parseEndpointsFlag('endpoints', flags.endpoints ?? DEFAULT_ENDPOINTS[target]);
  const clients = parseIntegerFlag('clients', flags.clients ?? '1', 1, MAX_CLIENTS);
  const connsDefault = String(Math.ceil(clients / endpoints.length));
  const keySpace = parseIntegerFlag('key-space', flags['key-space'] ?? '1000000', 1, MAX_KEY_SPACE);
  const keySizeBytes = parseIntegerFlag('key-size', flags['key-size'] ?? '16', 1, MAX_KEY_SIZE_BYTES);
  if (keySizeBytes < minKeySizeBytes(keySpace)) {
    throw new UsageError(`--key-size ${keySizeBytes} is too short for --key-space ${keySpace}: need at least ${minKeySizeBytes(keySpace)}`);
  }
  const spec: LoadSpec = {
    target,
    endpoints,
    clients,
    connsPerEndpoint: parseIntegerFlag('conns', flags.conns ?? connsDefault, 1, MAX_CONNS_PER_ENDPOINT),
    stop: parseStop(flags.total, flags.duration),
    warmupS: parseNumberFlag('warmup', flags.warmup ?? '0', 0, MAX_DURATION_S),
    keySizeBytes,
    valueSizeBytes: parseIntegerFlag('val-size', flags['val-size'] ?? '256', 0, MAX_VALUE_SIZE_BYTES),
    keySpace,
    sequentialKeys: flags['seq-keys'] === true,
    readRatio: parseNumberFlag('read-ratio', flags['read-ratio'] ?? '0', 0, 1),
    consistency: parseConsistency(target, flags.consistency, flags['max-staleness-ms']),
    seed: parseIntegerFlag('seed', flags.seed ?? '1', 0, 2 ** 32 - 1),
    requestTimeoutMs: parseIntegerFlag('timeout-ms', flags['timeout-ms'] ?? '10000', 1, 600_000),
  };
  return { kind: 'run', options: { spec, json: flags.json === true } };
}
