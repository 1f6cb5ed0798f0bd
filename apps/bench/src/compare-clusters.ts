// The 3-member loopback clusters that compare runs, each on fresh ports and fresh data
// directories under `baseDir`.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildGroup } from './child-group.js';
import { ETCD_READY_PATH, etcdClientEndpoint, etcdIsReady, etcdMemberArgs } from './etcd-command.js';
import type { EtcdMember } from './etcd-command.js';
import { FLOTILLA_READY_PATH, FLOTILLA_SECRET_ENV, flotillaClientEndpoint, flotillaIsReady, flotillaNodeArgs } from './flotilla-command.js';
import type { FlotillaNode } from './flotilla-command.js';
import { freePorts } from './free-ports.js';
import { startLocalCluster } from './local-cluster.js';
import type { RunningCluster } from './local-cluster.js';

export const CLUSTER_SIZE = 3;
const READY_TIMEOUT_MS = 60_000;

function freshDir(baseDir: string, name: string): string {
  const dir = join(baseDir, name);
  mkdirSync(dir, { recursive: false });
  return dir;
}

export async function startEtcdCluster(group: ChildGroup, baseDir: string, etcdPath: string): Promise<RunningCluster> {
  const ports = await freePorts(2 * CLUSTER_SIZE);
  const members: EtcdMember[] = Array.from({ length: CLUSTER_SIZE }, (_, index) => ({
    name: `etcd${index + 1}`,
    dataDir: freshDir(baseDir, `etcd${index + 1}`),
    clientPort: ports[2 * index]!,
    peerPort: ports[2 * index + 1]!,
  }));
  const token = `bench-${randomBytes(6).toString('hex')}`;
  return startLocalCluster(
    group,
    'etcd',
    baseDir,
    members.map((member) => ({
      name: member.name,
      command: etcdPath,
      args: etcdMemberArgs(member, members, token),
      clientEndpoint: etcdClientEndpoint(member),
      readyUrl: `http://127.0.0.1:${member.clientPort}${ETCD_READY_PATH}`,
      isReady: etcdIsReady,
    })),
    READY_TIMEOUT_MS,
  );
}

export async function startFlotillaCluster(group: ChildGroup, baseDir: string, serverMain: string, shards: number): Promise<RunningCluster> {
  const ports = await freePorts(2 * CLUSTER_SIZE);
  const nodes: FlotillaNode[] = Array.from({ length: CLUSTER_SIZE }, (_, index) => ({
    id: index + 1,
    dataDir: freshDir(baseDir, `flotilla${index + 1}`),
    clientPort: ports[2 * index]!,
    peerPort: ports[2 * index + 1]!,
  }));
  const secret = randomBytes(32).toString('hex');
  return startLocalCluster(
    group,
    `flotilla ${shards} shard${shards === 1 ? '' : 's'}`,
    baseDir,
    nodes.map((node) => ({
      name: `flotilla${node.id}`,
      command: process.execPath,
      args: flotillaNodeArgs(serverMain, node, nodes, shards),
      env: { [FLOTILLA_SECRET_ENV]: secret },
      clientEndpoint: flotillaClientEndpoint(node),
      readyUrl: `http://127.0.0.1:${node.clientPort}${FLOTILLA_READY_PATH}`,
      isReady: flotillaIsReady,
    })),
    READY_TIMEOUT_MS,
  );
}
