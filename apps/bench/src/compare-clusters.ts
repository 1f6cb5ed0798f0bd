// The 3-member loopback clusters that compare runs, each on fresh ports and fresh data
// directories under `baseDir`, each member's log beside its data.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { flotillaMembers, freeLoopbackPorts, loopbackNodes } from '@flotilla/server/launcher';
import { ETCD_READY_PATH, etcdClientEndpoint, etcdIsReady, etcdMemberArgs } from './etcd-command.js';
import type { EtcdMember } from './etcd-command.js';
import { startLocalCluster } from './local-cluster.js';
import type { RunningCluster } from './local-cluster.js';

export const CLUSTER_SIZE = 3;
const READY_TIMEOUT_MS = 60_000;

function freshDir(baseDir: string, name: string): string {
  const dir = join(baseDir, name);
  mkdirSync(dir, { recursive: false });
  return dir;
}

export async function startEtcdCluster(baseDir: string, etcdPath: string): Promise<RunningCluster> {
  const ports = await freeLoopbackPorts(2 * CLUSTER_SIZE);
  const members: EtcdMember[] = Array.from({ length: CLUSTER_SIZE }, (_, index) => ({
    name: `etcd${index + 1}`,
    dataDir: freshDir(baseDir, `etcd${index + 1}`),
    clientPort: ports[2 * index]!,
    peerPort: ports[2 * index + 1]!,
  }));
  const token = `bench-${randomBytes(6).toString('hex')}`;
  return startLocalCluster(
    'etcd',
    members.map((member, index) => ({
      id: index + 1,
      name: member.name,
      command: etcdPath,
      args: etcdMemberArgs(member, members, token),
      output: { file: join(baseDir, `${member.name}.log`) },
      readyUrl: `http://127.0.0.1:${member.clientPort}${ETCD_READY_PATH}`,
      isReady: etcdIsReady,
    })),
    members.map(etcdClientEndpoint),
    READY_TIMEOUT_MS,
  );
}

export async function startFlotillaCluster(baseDir: string, serverMain: string, shards: number): Promise<RunningCluster> {
  const nodes = loopbackNodes(await freeLoopbackPorts(2 * CLUSTER_SIZE), (id) => freshDir(baseDir, `flotilla${id}`));
  const members = flotillaMembers({
    nodes,
    settings: { shards },
    clusterSecret: randomBytes(32).toString('hex'),
    serverMain,
    outputOf: (node) => ({ file: join(baseDir, `flotilla${node.id}.log`) }),
  });
  return startLocalCluster(
    `flotilla ${shards} shard${shards === 1 ? '' : 's'}`,
    members,
    nodes.map((node) => ({ host: '127.0.0.1', port: node.clientPort })),
    READY_TIMEOUT_MS,
  );
}
