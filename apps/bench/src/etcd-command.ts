// How one member of a loopback etcd cluster is started (etcd 3.4 flags; the v3 JSON gateway
// is on by default on the client port).
import type { Endpoint } from './flag-values.js';

export interface EtcdMember {
  readonly name: string;
  readonly dataDir: string;
  readonly clientPort: number;
  readonly peerPort: number;
}

export const ETCD_READY_PATH = '/health';

/** `/health` answers `{"health":"true"}` once the member has a leader. */
export const etcdIsReady = (status: number, body: string): boolean => status === 200 && /"health"\s*:\s*"true"/.test(body);

export function etcdMemberArgs(member: EtcdMember, members: readonly EtcdMember[], clusterToken: string): string[] {
  const clientUrl = `http://127.0.0.1:${member.clientPort}`;
  const peerUrl = `http://127.0.0.1:${member.peerPort}`;
  return [
    '--name', member.name,
    '--data-dir', member.dataDir,
    '--listen-client-urls', clientUrl,
    '--advertise-client-urls', clientUrl,
    '--listen-peer-urls', peerUrl,
    '--initial-advertise-peer-urls', peerUrl,
    '--initial-cluster', members.map((other) => `${other.name}=http://127.0.0.1:${other.peerPort}`).join(','),
    '--initial-cluster-token', clusterToken,
    '--initial-cluster-state', 'new',
    '--logger', 'zap',
    '--log-level', 'warn',
  ];
}

export const etcdClientEndpoint = (member: EtcdMember): Endpoint => ({ host: '127.0.0.1', port: member.clientPort });
