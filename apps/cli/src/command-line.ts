import { parseArgs } from 'node:util';
import type { ReadConsistency } from '@flotilla/client';
import { parseDurationMs } from './duration.js';
import { UsageError } from './usage-error.js';

export type OutputFormat = 'table' | 'json';

/** Flags every command takes. */
export interface GlobalFlags {
  readonly endpoints: readonly string[];
  readonly output: OutputFormat;
  readonly commandTimeoutMs: number;
}

export type Command =
  | { readonly name: 'help' }
  | { readonly name: 'put'; readonly key: string; readonly value: string | undefined; readonly ifRevision: number | undefined }
  | {
      readonly name: 'get';
      readonly key: string;
      readonly consistency: ReadConsistency;
      readonly printValueOnly: boolean;
    }
  | { readonly name: 'del'; readonly key: string; readonly ifRevision: number | undefined }
  | { readonly name: 'scan'; readonly prefix: string; readonly limit: number | undefined; readonly consistency: ReadConsistency; readonly keysOnly: boolean }
  | { readonly name: 'status' }
  | { readonly name: 'endpoint-health' };

export interface CommandLine {
  readonly flags: GlobalFlags;
  readonly command: Command;
}

/** Three nodes on loopback: where `pnpm start` puts its cluster. */
export const DEFAULT_ENDPOINTS = '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';
export const ENDPOINTS_ENV = 'FLOTILLA_ENDPOINTS';
const DEFAULT_COMMAND_TIMEOUT = '5s';

const OPTIONS = {
  endpoints: { type: 'string' },
  'write-out': { type: 'string', short: 'w' },
  'command-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'if-revision': { type: 'string' },
  consistency: { type: 'string' },
  'max-staleness-ms': { type: 'string' },
  'print-value-only': { type: 'boolean' },
  limit: { type: 'string' },
  'keys-only': { type: 'boolean' },
} as const;

type OptionName = keyof typeof OPTIONS;
type Values = Partial<Record<OptionName, string | boolean>>;

const GLOBAL_OPTIONS: readonly OptionName[] = ['endpoints', 'write-out', 'command-timeout', 'help'];
const READ_OPTIONS: readonly OptionName[] = ['consistency', 'max-staleness-ms'];

/** Each command's positional arguments and its own flags. */
const COMMANDS: Readonly<Record<string, { readonly args: readonly string[]; readonly optional?: number; readonly options: readonly OptionName[] }>> = {
  put: { args: ['KEY', 'VALUE'], optional: 1, options: ['if-revision'] },
  get: { args: ['KEY'], options: [...READ_OPTIONS, 'print-value-only'] },
  del: { args: ['KEY'], options: ['if-revision'] },
  scan: { args: ['PREFIX'], optional: 1, options: [...READ_OPTIONS, 'limit', 'keys-only'] },
  status: { args: [], options: [] },
  'endpoint health': { args: [], options: [] },
  'endpoint status': { args: [], options: [] },
};

const text = (values: Values, name: OptionName): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

const integer = (values: Values, name: OptionName, min: number, max: number): number | undefined => {
  const raw = text(values, name);
  if (raw === undefined) return undefined;
  const value = /^(0|[1-9][0-9]*)$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
};

const consistency = (values: Values): ReadConsistency => {
  const kind = text(values, 'consistency') ?? 'linearizable';
  const maxStalenessMs = integer(values, 'max-staleness-ms', 1, 3_600_000);
  if (kind === 'bounded') {
    if (maxStalenessMs === undefined) throw new UsageError('--consistency bounded needs --max-staleness-ms');
    return { maxStalenessMs };
  }
  if (maxStalenessMs !== undefined) throw new UsageError('--max-staleness-ms goes with --consistency bounded');
  if (kind === 'linearizable' || kind === 'stale') return kind;
  throw new UsageError(`--consistency must be linearizable, bounded or stale, got "${kind}"`);
};

const outputFormat = (values: Values): OutputFormat => {
  const format = text(values, 'write-out') ?? 'table';
  if (format === 'table' || format === 'json') return format;
  throw new UsageError(`-w/--write-out must be table or json, got "${format}"`);
};

const globalFlags = (values: Values, env: Readonly<Record<string, string | undefined>>): GlobalFlags => {
  const fromEnv = env[ENDPOINTS_ENV];
  const endpointsText = text(values, 'endpoints') ?? (fromEnv === undefined || fromEnv === '' ? DEFAULT_ENDPOINTS : fromEnv);
  const endpoints = endpointsText.split(',').map((endpoint) => endpoint.trim()).filter((endpoint) => endpoint !== '');
  if (endpoints.length === 0) throw new UsageError('--endpoints names no endpoint');
  return {
    endpoints,
    output: outputFormat(values),
    commandTimeoutMs: parseDurationMs(text(values, 'command-timeout') ?? DEFAULT_COMMAND_TIMEOUT, '--command-timeout'),
  };
};

const parse = (argv: readonly string[]): { values: Values; positionals: string[] } => {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

/** Reads the command line and environment; throws UsageError for anything that cannot run. */
export const parseCommandLine = (argv: readonly string[], env: Readonly<Record<string, string | undefined>>): CommandLine => {
  const { values, positionals } = parse(argv);
  const flags = globalFlags(values, env);
  const [first, ...rest] = positionals;
  if (values.help === true || first === undefined || first === 'help') return { flags, command: { name: 'help' } };

  const name = first === 'endpoint' && rest[0] !== undefined ? `endpoint ${rest.shift() as string}` : first;
  const spec = COMMANDS[name];
  if (spec === undefined) throw new UsageError(`unknown command "${name}"`);
  const given = Object.keys(values) as OptionName[];
  const misplaced = given.find((option) => !GLOBAL_OPTIONS.includes(option) && !spec.options.includes(option));
  if (misplaced !== undefined) throw new UsageError(`--${misplaced} does not apply to ${name}`);
  const required = spec.args.length - (spec.optional ?? 0);
  if (rest.length < required || rest.length > spec.args.length) {
    const shape = spec.args.map((arg, index) => (index >= required ? `[${arg}]` : arg)).join(' ');
    throw new UsageError(`${name} takes ${shape === '' ? 'no arguments' : shape}, got ${rest.length} argument(s)`);
  }
  const ifRevision = integer(values, 'if-revision', 0, Number.MAX_SAFE_INTEGER);
  const [arg0 = '', arg1] = rest;
  switch (name) {
    case 'put':
      return { flags, command: { name, key: arg0, value: arg1, ifRevision } };
    case 'get':
      return { flags, command: { name, key: arg0, consistency: consistency(values), printValueOnly: values['print-value-only'] === true } };
    case 'del':
      return { flags, command: { name, key: arg0, ifRevision } };
    case 'scan':
      return {
        flags,
        command: { name, prefix: arg0, limit: integer(values, 'limit', 1, 10_000), consistency: consistency(values), keysOnly: values['keys-only'] === true },
      };
    case 'status':
    case 'endpoint status':
      return { flags, command: { name: 'status' } };
    case 'endpoint health':
      return { flags, command: { name: 'endpoint-health' } };
    default:
      throw new Error(`command "${name}" is listed but not handled`);
  }
};
