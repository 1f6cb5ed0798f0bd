import { describe, expect, it } from 'vitest';
import { nodeId } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import { ProtocolError } from './errors.js';
import { AcceptorHandshake, DialerHandshake, Lane } from './handshake.js';

const secret = 'the-cluster-secret';
const clusterId = 'the-cluster-id';
const dialerId = nodeId(1);
const acceptorId = nodeId(2);
const knownPeers = (node: NodeId): boolean => node === dialerId;

const acceptor = (clusterSecret = secret): AcceptorHandshake => new AcceptorHandshake({ self: acceptorId, clusterSecret, clusterId }, knownPeers);
const dialer = (clusterSecret = secret, self = dialerId, lane: Lane = Lane.MAIN, cluster = clusterId): DialerHandshake =>
  new DialerHandshake({ self, clusterSecret, clusterId: cluster }, acceptorId, lane);

const proofFrame = (step: ReturnType<DialerHandshake['receive']>): Uint8Array => {
  if (step === 'done') {
    throw new Error('expected a reply');
  }
  return step.reply;
};

describe('handshake', () => {
  it('authenticates both sides and names the dialer and its lane', () => {
    const d = dialer(secret, dialerId, Lane.SNAPSHOT);
    const a = acceptor();
    const challenge = a.receive(d.hello());
    expect(challenge.accepted).toBeUndefined();
    const welcome = a.receive(proofFrame(d.receive(challenge.reply)));
    expect(welcome.accepted).toStrictEqual({ peer: dialerId, lane: Lane.SNAPSHOT });
    expect(d.receive(welcome.reply)).toBe('done');
  });

  it('makes a dialer with the wrong secret refuse the acceptor before proving anything', () => {
    const d = dialer('a-wrong-secret');
    const challenge = acceptor().receive(d.hello());
    expect(() => d.receive(challenge.reply)).toThrow(ProtocolError);
  });

  it('refuses a dialer of another cluster at its hello, by name, though it knows the secret', () => {
    expect(() => acceptor().receive(dialer(secret, dialerId, Lane.MAIN, 'another-cluster').hello())).toThrow(
      /node 1 belongs to cluster another-cluster, this node to cluster the-cluster-id/,
    );
  });

  it('makes the acceptor refuse a proof replayed from another connection', () => {
    const firstDialer = dialer();
    const firstProof = proofFrame(firstDialer.receive(acceptor().receive(firstDialer.hello()).reply));
    const second = acceptor();
    second.receive(dialer().hello());
    expect(() => second.receive(firstProof)).toThrow(/failed to prove/);
  });

  it('refuses unknown nodes, a wrong target and data before the hello', () => {
    expect(() => acceptor().receive(dialer(secret, nodeId(7)).hello())).toThrow(/unknown node 7/);
    const misdirected = new DialerHandshake({ self: dialerId, clusterSecret: secret, clusterId }, nodeId(3), Lane.MAIN);
    expect(() => acceptor().receive(misdirected.hello())).toThrow(/wants node 3/);
    expect(() => acceptor().receive(Uint8Array.of(0xa0))).toThrow(ProtocolError);
    expect(() => acceptor().receive(Uint8Array.of(0xff, 0x00))).toThrow(ProtocolError);
  });

  it('makes the dialer refuse an acceptor claiming another node id', () => {
    const d = new DialerHandshake({ self: dialerId, clusterSecret: secret, clusterId }, nodeId(3), Lane.MAIN);
    const challengeFromNode2 = acceptor().receive(dialer().hello());
    expect(() => d.receive(challengeFromNode2.reply)).toThrow(/is not node 3/);
  });
});
