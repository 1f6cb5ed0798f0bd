import { describe, expect, it } from 'vitest';
import { etcdIsReady, etcdMemberArgs } from './etcd-command.js';

describe('etcd command lines', () => {
  it('starts an etcd member of a fresh loopback cluster', () => {
    const members = ['a', 'b'].map((name, index) => ({ name, dataDir: `/d/${name}`, clientPort: 2379 + index, peerPort: 2389 + index }));
    const args = etcdMemberArgs(members[0]!, members, 'tok');
    const flag = (name: string) => args[args.indexOf(name) + 1];
    expect(flag('--name')).toBe('a');
    expect(flag('--listen-client-urls')).toBe('http://127.0.0.1:2379');
    expect(flag('--initial-advertise-peer-urls')).toBe('http://127.0.0.1:2389');
    expect(flag('--initial-cluster')).toBe('a=http://127.0.0.1:2389,b=http://127.0.0.1:2390');
    expect(flag('--initial-cluster-state')).toBe('new');
    expect(flag('--initial-cluster-token')).toBe('tok');
  });

  it('reads etcd health', () => {
    expect(etcdIsReady(200, '{"health":"true"}')).toBe(true);
    expect(etcdIsReady(200, '{"health":"false"}')).toBe(false);
    expect(etcdIsReady(503, '{"health":"true"}')).toBe(false);
  });
});
