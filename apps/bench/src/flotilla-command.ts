// How one Flotilla node is started: the one place to adjust when the server's command line
// changes.
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './flag-values.js';

export interface FlotillaNode {
  readonly id: number;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

/** The built server, next to this app in the workspace. */
export const DEFAULT_SERVER_MAIN = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));

export const FLOTILLA_SECRET_ENV = 'FLOTILLA_CLUSTER_SECRET';

export const FLOTILLA_READY_PATH = '/readyz';

/** `/readyz` is 200 once every shard has a leader. */
export const flotillaIsReady = (status: number): boolean => status === 200;

/** Arguments for `node`, the server's script first. */
export function flotillaNodeArgs(serverMain: string, node: FlotillaNode, nodes: readonly FlotillaNode[], shards: number): string[] {
  return [
    serverMain,
    '--id', String(node.id),
    '--data-dir', node.dataDir,
    '--listen', `127.0.0.1:${node.clientPort}`,
    '--peer-listen', `127.0.0.1:${node.peerPort}`,
    '--peers', nodes.map((peer) => `${peer.id}=127.0.0.1:${peer.peerPort}`).join(','),
    '--shards', String(shards),
  ];
}

export const flotillaClientEndpoint = (node: FlotillaNode): Endpoint => ({ host: '127.0.0.1', port: node.clientPort });
