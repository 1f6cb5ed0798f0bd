import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import type { NodeConfig, PeerAddress, TlsMaterial } from '@flotilla/multiraft';
import { nodeId } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import { DEFAULT_CONNECTION_LIMITS } from './connection-guard.js';
import type { ConnectionLimits } from './connection-guard.js';

// Flags with environment fallbacks, as etcd has them: `--peer-listen` ⇐ FLOTILLA_PEER_LISTEN.
// A flag beats its variable, which beats the default. Anything malformed is a ConfigError,
// which main turns into a message and exit code 2 before anything starts.

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServerConfig {
  readonly node: NodeConfig;
  /** Where the HTTP server listens for clients. */
  readonly clientListen: PeerAddress;
  readonly connectionLimits: ConnectionLimits;
  readonly logLevel: LogLevel;
  /** HTTPS for clients and mutual TLS for peers, from --cert, --key and --ca; absent: plain. */
  readonly tls: TlsMaterial | undefined;
  /** Things the operator must hear about, logged once a logger exists. */
  readonly warnings: readonly string[];
}

export type CommandLine = { readonly kind: 'help' } | { readonly kind: 'run'; readonly config: ServerConfig };

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

interface FlagSpec {
  readonly name: string;
  readonly help: string;
  readonly fallback?: string;
}

const FLAGS: readonly FlagSpec[] = [
  { name: 'id', help: 'this node\'s id, a positive integer', fallback: '1' },
  { name: 'data-dir', help: 'where the node keeps its data (default ./data/node<id>)' },
  { name: 'listen', help: 'host:port for clients', fallback: '127.0.0.1:7001' },
  { name: 'advertise-client-url', help: 'the client URL other nodes redirect to (default http://<listen>)' },
  { name: 'peer-listen', help: 'host:port for other nodes (default: this node\'s entry in --peers, else 127.0.0.1:7101)' },
  { name: 'peers', help: 'every initial member as id=host:port,... (default: this node alone)' },
  { name: 'shards', help: 'shards of a freshly bootstrapped cluster', fallback: '8' },
  { name: 'cluster-secret', help: 'shared secret nodes authenticate with (default on loopback only: a development secret)' },
  { name: 'cluster-secret-file', help: 'a file holding the cluster secret (instead of --cluster-secret)' },
  { name: 'cert', help: "PEM file: this node's certificate, for clients (HTTPS) and peers (mutual TLS)" },
  { name: 'key', help: 'PEM file: the private key of --cert' },
  { name: 'ca', help: "PEM file: the CA that signs every member's certificate; peers must present one" },
  { name: 'tick-ms', help: 'milliseconds per raft tick', fallback: '100' },
  { name: 'election-ticks', help: 'election timeout in ticks', fallback: '10' },
  { name: 'heartbeat-ticks', help: 'heartbeat interval in ticks', fallback: '1' },
  { name: 'snapshot-entries', help: "compact a group's log after this many entries (snapshot files are written only to send)", fallback: '10000' },
  { name: 'snapshot-bytes', help: "compact a group's log after this many log bytes", fallback: String(64 * 1024 * 1024) },
  { name: 'max-pending-requests', help: 'requests queued on the node before it answers overloaded', fallback: '10000' },
  { name: 'max-pending-bytes', help: 'bytes of queued requests before it answers overloaded', fallback: String(64 * 1024 * 1024) },
  { name: 'request-timeout-ms', help: 'how long a request may wait for its commit or read', fallback: '5000' },
  { name: 'balance-interval-ms', help: 'how often leaderships drift back to their preferred nodes', fallback: '5000' },
  { name: 'max-connections', help: 'open client connections; more are closed as they arrive', fallback: String(DEFAULT_CONNECTION_LIMITS.maxConnections) },
  {
    name: 'max-connection-unread-bytes',
    help: 'unread response bytes that close a connection with requests still waiting',
    fallback: String(DEFAULT_CONNECTION_LIMITS.maxConnectionUnreadBytes),
  },
  {
    name: 'max-unread-response-bytes',
    help: 'unread response bytes of all clients; past it the largest holder is closed',
    fallback: String(DEFAULT_CONNECTION_LIMITS.maxUnreadBytes),
  },
  { name: 'log-level', help: LOG_LEVELS.join('|'), fallback: 'info' },
];

const DEFAULT_PEER_LISTEN = '127.0.0.1:7101';
const DEVELOPMENT_CLUSTER_SECRET = 'flotilla-development-secret-do-not-use-in-production';
const MIN_CLUSTER_SECRET_CHARS = 16;
const ENV_PREFIX = 'FLOTILLA_';

/** The environment variable a flag falls back to: `peer-listen` ⇒ FLOTILLA_PEER_LISTEN. */
export const envName = (flag: string): string => ENV_PREFIX + flag.toUpperCase().replaceAll('-', '_');

export const USAGE = [
  'Usage: flotilla-server [flags]   (each flag also reads FLOTILLA_<FLAG>, e.g. --peer-listen ⇐ FLOTILLA_PEER_LISTEN)',
  '',
  ...FLAGS.map((flag) => {
    const fallback = flag.fallback === undefined ? '' : ` (default ${flag.fallback})`;
    return `  --${flag.name.padEnd(29)} ${flag.help}${fallback}`;
  }),
  `  --${'help'.padEnd(29)} print this and exit`,
].join('\n');

/** A value with where it came from, so an error can name the flag or variable to fix. */
interface RawValue {
  readonly text: string;
  readonly source: string;
}

const readFlags = (argv: readonly string[]): { flags: Map<string, string>; help: boolean } => {
  const known = new Set(FLAGS.map((flag) => flag.name));
  const flags = new Map<string, string>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument "${arg}" (flags look like --name value)`);
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    if (!known.has(name)) throw new ConfigError(`unknown flag --${name} (see --help)`);
    if (flags.has(name)) throw new ConfigError(`--${name} is given twice`);
    let text: string;
    if (equals >= 0) {
      text = arg.slice(equals + 1);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) throw new ConfigError(`--${name} needs a value`);
      text = next;
      i++;
    }
    flags.set(name, text);
  }
  return { flags, help };
};

const parseInteger = (raw: RawValue, min: number, max: number): number => {
  const value = /^(0|[1-9][0-9]*)$/.test(raw.text) ? Number(raw.text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${raw.source} must be an integer from ${min} to ${max}, got "${raw.text}"`);
  }
  return value;
};

const parseNodeId = (raw: RawValue): NodeId => nodeId(parseInteger(raw, 1, 0xffff_ffff));

/** `host:port` or `[ipv6]:port`. */
export const parseAddress = (raw: RawValue): PeerAddress => {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+)):([0-9]+)$/.exec(raw.text);
  const host = match?.[1] ?? match?.[2];
  const portText = match?.[3];
  if (host === undefined || portText === undefined) {
    throw new ConfigError(`${raw.source} must be host:port, got "${raw.text}"`);
  }
  return { host, port: parseInteger({ text: portText, source: `the port of ${raw.source}` }, 1, 65_535) };
};

const formatAddress = (address: PeerAddress): string =>
  address.host.includes(':') ? `[${address.host}]:${address.port}` : `${address.host}:${address.port}`;

const parsePeers = (raw: RawValue): Map<NodeId, PeerAddress> => {
  const peers = new Map<NodeId, PeerAddress>();
  for (const member of raw.text.split(',')) {
    const equals = member.indexOf('=');
    if (equals < 0) throw new ConfigError(`${raw.source} must list id=host:port,..., got "${member}"`);
    const id = parseNodeId({ text: member.slice(0, equals), source: `a node id in ${raw.source}` });
    if (peers.has(id)) throw new ConfigError(`${raw.source} names node ${id} twice`);
    peers.set(id, parseAddress({ text: member.slice(equals + 1), source: `node ${id}'s address in ${raw.source}` }));
  }
  return peers;
};

const parseClientUrl = (raw: RawValue): string => {
  let url: URL;
  try {
    url = new URL(raw.text);
  } catch {
    throw new ConfigError(`${raw.source} must be a URL like http://127.0.0.1:7001, got "${raw.text}"`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.pathname !== '/' || url.search !== '') {
    throw new ConfigError(`${raw.source} must be http(s)://host:port with no path, got "${raw.text}"`);
  }
  return url.origin;
};

const parseLogLevel = (raw: RawValue): LogLevel => {
  const level = LOG_LEVELS.find((candidate) => candidate === raw.text);
  if (level === undefined) throw new ConfigError(`${raw.source} must be one of ${LOG_LEVELS.join(', ')}, got "${raw.text}"`);
  return level;
};

const isUnspecifiedHost = (host: string): boolean => host === '0.0.0.0' || host === '::';

/** Whether only this machine can reach `host`: the development secret is safe there and nowhere else. */
const isLoopbackHost = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

/** Reads a file the flags name; an unreadable file is a ConfigError that names it. */
export type TextFileReader = (path: string) => string;
const readTextFile: TextFileReader = (path) => readFileSync(path, 'utf8');

const readFlagFile = (raw: RawValue, readText: TextFileReader): string => {
  try {
    return readText(resolve(raw.text));
  } catch (error) {
    throw new ConfigError(`${raw.source}: cannot read "${raw.text}": ${error instanceof Error ? error.message : String(error)}`);
  }
};

const TLS_FLAGS = ['cert', 'key', 'ca'] as const;

/** Parses the command line and environment; `{ kind: 'help' }` for --help. Throws ConfigError. */
export const parseCommandLine = (
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  readText: TextFileReader = readTextFile,
): CommandLine => {
  const { flags, help } = readFlags(argv);
  if (help) return { kind: 'help' };
  const warnings: string[] = [];

  const knownEnv = new Set(FLAGS.map((flag) => envName(flag.name)));
  for (const name of Object.keys(env)) {
    if (name.startsWith(ENV_PREFIX) && !knownEnv.has(name)) warnings.push(`ignoring unknown environment variable ${name}`);
  }

  const lookup = (name: string): RawValue | undefined => {
    const flag = flags.get(name);
    if (flag !== undefined) return { text: flag, source: `--${name}` };
    const variable = env[envName(name)];
    // An empty variable is how shells spell "unset".
    if (variable !== undefined && variable !== '') return { text: variable, source: envName(name) };
    const fallback = FLAGS.find((spec) => spec.name === name)?.fallback;
    return fallback === undefined ? undefined : { text: fallback, source: `the default of --${name}` };
  };
  const required = (name: string): RawValue => {
    const raw = lookup(name);
    if (raw === undefined) throw new Error(`flag --${name} has no default`);
    return raw;
  };
  const integer = (name: string, min: number, max: number): number => parseInteger(required(name), min, max);

  const id = parseNodeId(required('id'));
  const peersRaw = lookup('peers');
  const peerListenRaw = lookup('peer-listen');
  const listedPeers = peersRaw === undefined ? undefined : parsePeers(peersRaw);
  const ownListed = listedPeers?.get(id);
  if (listedPeers !== undefined && ownListed === undefined) {
    throw new ConfigError(`${peersRaw?.source} must include this node (id ${id})`);
  }
  const peerListen =
    peerListenRaw !== undefined
      ? parseAddress(peerListenRaw)
      : (ownListed ?? parseAddress({ text: DEFAULT_PEER_LISTEN, source: 'the default of --peer-listen' }));
  const peers = listedPeers ?? new Map([[id, peerListen]]);

  const tlsRaw = TLS_FLAGS.map((name) => lookup(name));
  const tlsGiven = tlsRaw.filter((raw) => raw !== undefined);
  if (tlsGiven.length > 0 && tlsGiven.length < TLS_FLAGS.length) {
    throw new ConfigError(`--cert, --key and --ca go together; only ${tlsGiven.map((raw) => raw.source).join(', ')} given`);
  }
  const [certRaw, keyRaw, caRaw] = tlsRaw;
  const tls: TlsMaterial | undefined =
    certRaw === undefined || keyRaw === undefined || caRaw === undefined
      ? undefined
      : { cert: readFlagFile(certRaw, readText), key: readFlagFile(keyRaw, readText), ca: readFlagFile(caRaw, readText) };

  const clientListen = parseAddress(required('listen'));
  const advertiseRaw = lookup('advertise-client-url');
  if (advertiseRaw === undefined && isUnspecifiedHost(clientListen.host)) {
    throw new ConfigError(`--listen ${formatAddress(clientListen)} binds every interface: give --advertise-client-url`);
  }
  const scheme = tls === undefined ? 'http' : 'https';
  const advertiseClientUrl = parseClientUrl(
    advertiseRaw ?? { text: `${scheme}://${formatAddress(clientListen)}`, source: 'the URL derived from --listen' },
  );

  const secretFlag = lookup('cluster-secret');
  const secretFileRaw = lookup('cluster-secret-file');
  if (secretFlag !== undefined && secretFileRaw !== undefined) {
    throw new ConfigError(`${secretFlag.source} and ${secretFileRaw.source} both give the cluster secret; give one`);
  }
  const secretRaw: RawValue | undefined =
    secretFileRaw === undefined ? secretFlag : { text: readFlagFile(secretFileRaw, readText).trim(), source: secretFileRaw.source };
  if (secretRaw === undefined) {
    const exposed = [clientListen, peerListen, ...peers.values()].find((address) => !isLoopbackHost(address.host));
    if (exposed !== undefined) {
      throw new ConfigError(
        `${formatAddress(exposed)} is reachable from other machines, and the built-in development secret would let anyone join: ` +
          'give --cluster-secret or --cluster-secret-file',
      );
    }
    warnings.push('using the built-in development cluster secret: fine on loopback only; set --cluster-secret for anything else');
  } else if (secretRaw.text.length < MIN_CLUSTER_SECRET_CHARS) {
    warnings.push(`${secretRaw.source} is shorter than ${MIN_CLUSTER_SECRET_CHARS} characters: easy to guess`);
  }

  const heartbeatIntervalTicks = integer('heartbeat-ticks', 1, 1000);
  const electionTimeoutTicks = integer('election-ticks', 2, 10_000);
  if (electionTimeoutTicks <= heartbeatIntervalTicks) {
    throw new ConfigError(
      `--election-ticks (${electionTimeoutTicks}) must exceed --heartbeat-ticks (${heartbeatIntervalTicks}), or followers time out between heartbeats`,
    );
  }

  const dataDirRaw = lookup('data-dir');
  if (dataDirRaw?.text === '') throw new ConfigError(`${dataDirRaw.source} must not be empty`);

  const node: NodeConfig = {
    id,
    dataDir: resolve(dataDirRaw?.text ?? `./data/node${id}`),
    peerListen,
    peers,
    advertiseClientUrl,
    initialShards: integer('shards', 1, 4096),
    clusterSecret: secretRaw?.text ?? DEVELOPMENT_CLUSTER_SECRET,
    tickIntervalMs: integer('tick-ms', 1, 60_000),
    electionTimeoutTicks,
    heartbeatIntervalTicks,
    snapshotThresholdEntries: integer('snapshot-entries', 1, 1_000_000_000),
    snapshotThresholdBytes: integer('snapshot-bytes', 1, 2 ** 40),
    maxPendingRequests: integer('max-pending-requests', 1, 1_000_000),
    maxPendingBytes: integer('max-pending-bytes', 1, 2 ** 36),
    requestTimeoutMs: integer('request-timeout-ms', 1, 600_000),
    balanceIntervalMs: integer('balance-interval-ms', 100, 86_400_000),
    ...(tls === undefined ? {} : { peerTls: tls }),
  };
  const connectionLimits: ConnectionLimits = {
    ...DEFAULT_CONNECTION_LIMITS,
    maxConnections: integer('max-connections', 1, 1_000_000),
    maxConnectionUnreadBytes: integer('max-connection-unread-bytes', 1, 2 ** 36),
    maxUnreadBytes: integer('max-unread-response-bytes', 1, 2 ** 40),
    // Never shorter than a request may legitimately wait with no bytes moving.
    stalledConnectionMs: Math.max(DEFAULT_CONNECTION_LIMITS.stalledConnectionMs, 2 * node.requestTimeoutMs),
  };
  return {
    kind: 'run',
    config: { node, clientListen, connectionLimits, logLevel: parseLogLevel(required('log-level')), tls, warnings },
  };
};
