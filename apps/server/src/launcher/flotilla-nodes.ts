import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { envName } from '../config.js';
import type { LogLevel } from '../config.js';
import type { ProcessOutput } from './launched-process.js';
import type { ClusterMember } from './process-cluster.js';

const HOST = '127.0.0.1';

/** Where one node of a cluster on this machine listens and keeps its data. */
export interface FlotillaNode {
  readonly id: number;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
}

export const clientUrlOf = (node: FlotillaNode): string => `http://${HOST}:${node.clientPort}`;
export const peerAddressOf = (node: FlotillaNode): string => `${HOST}:${node.peerPort}`;

/** Nodes 1, 2, ..., each taking the next two of `ports`: its client port, then its peer port. */
export const loopbackNodes = (ports: readonly number[], dataDirOf: (id: number) => string): FlotillaNode[] => {
  if (ports.length === 0 || ports.length % 2 !== 0) throw new RangeError(`need a client and a peer port per node, got ${ports.length} ports`);
  return Array.from({ length: ports.length / 2 }, (_, index) => ({
    id: index + 1,
    clientPort: ports[2 * index] as number,
    peerPort: ports[2 * index + 1] as number,
    dataDir: dataDirOf(index + 1),
  }));
};

/** Server settings a launcher may choose; each one left out keeps the server's default. */
export interface FlotillaSettings {
  readonly shards?: number;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly snapshotEntries?: number;
  readonly requestTimeoutMs?: number;
  readonly logLevel?: LogLevel;
}

const SETTING_FLAGS: { readonly [K in keyof Required<FlotillaSettings>]: string } = {
  shards: 'shards',
  tickMs: 'tick-ms',
  electionTicks: 'election-ticks',
  heartbeatTicks: 'heartbeat-ticks',
  snapshotEntries: 'snapshot-entries',
  requestTimeoutMs: 'request-timeout-ms',
  logLevel: 'log-level',
};

/** The server's command line for one node of `nodes`: the one place a launcher writes it. */
export function flotillaNodeArgs(node: FlotillaNode, nodes: readonly FlotillaNode[], settings: FlotillaSettings = {}): string[] {
  const chosen = (Object.keys(SETTING_FLAGS) as (keyof FlotillaSettings)[]).flatMap((key) => {
    const value = settings[key];
    return value === undefined ? [] : [`--${SETTING_FLAGS[key]}=${value}`];
  });
  return [
    `--id=${node.id}`,
    `--listen=${HOST}:${node.clientPort}`,
    `--peer-listen=${peerAddressOf(node)}`,
    `--peers=${nodes.map((peer) => `${peer.id}=${peerAddressOf(peer)}`).join(',')}`,
    `--data-dir=${node.dataDir}`,
    ...chosen,
  ];
}

/**
 * The built server entry point, which launched nodes run. This file sits in src/launcher (or
 * dist/launcher once built): the package root is two levels up either way.
 */
export const BUILT_SERVER_MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** `/readyz` answers 200 once every shard of the node has a leader. */
const READY_PATH = '/readyz';

export interface FlotillaClusterSpec {
  readonly nodes: readonly FlotillaNode[];
  readonly settings?: FlotillaSettings;
  /** Handed over in the environment, where `ps` does not show it. Left out: the server's development secret. */
  readonly clusterSecret?: string;
  /** Another build of the server to run (the bench compares builds); the built one beside this file by default. */
  readonly serverMain?: string;
  readonly outputOf: (node: FlotillaNode) => ProcessOutput;
}

export interface FlotillaMember extends ClusterMember {
  readonly node: FlotillaNode;
  readonly clientUrl: string;
}

/** The members of a Flotilla cluster on this machine, for a ProcessCluster to run. */
export function flotillaMembers(spec: FlotillaClusterSpec): FlotillaMember[] {
  const serverMain = spec.serverMain ?? BUILT_SERVER_MAIN;
  if (!existsSync(serverMain)) throw new Error(`${serverMain} does not exist: build the server first with \`pnpm exec tsc -b apps/server\``);
  const env = spec.clusterSecret === undefined ? {} : { env: { [envName('cluster-secret')]: spec.clusterSecret } };
  return spec.nodes.map((node) => ({
    id: node.id,
    name: `node${node.id}`,
    node,
    clientUrl: clientUrlOf(node),
    command: process.execPath,
    args: [serverMain, ...flotillaNodeArgs(node, spec.nodes, spec.settings)],
    ...env,
    output: spec.outputOf(node),
    readyUrl: `${clientUrlOf(node)}${READY_PATH}`,
    isReady: (status) => status === 200,
  }));
}
