import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { NodeId } from '@flotilla/raft';
import { decodeCbor, encodeCbor } from './cbor.js';
import { ProtocolError } from './errors.js';

/**
 * Mutual authentication of a fresh connection, before any message is accepted:
 *   dialer   → HELLO     { node, target, lane, cluster, nonce }
 *   acceptor → CHALLENGE { node, nonce, proof = HMAC(secret, "acceptor" transcript) }
 *   dialer   → PROOF     { proof = HMAC(secret, "dialer" transcript) }
 *   acceptor → WELCOME
 * The transcript binds both node ids, the lane, the cluster id and both fresh nonces, so a proof
 * can be neither replayed on another connection nor reflected back by a peer without the
 * secret. A node of another cluster (one founded with other members or shards) is refused at
 * its hello, by name, even when it shares the secret.
 * The whole exchange runs over ordinary frames, so a TLS socket can carry it unchanged.
 */

export const Lane = {
  /** Raft messages (snapshot chunks excepted) and calls. */
  MAIN: 1,
  /** Snapshot chunks only. */
  SNAPSHOT: 2,
} as const;
export type Lane = (typeof Lane)[keyof typeof Lane];

const HandshakeKind = { HELLO: 16, CHALLENGE: 17, PROOF: 18, WELCOME: 19 } as const;
// 2: Raft frames are binary (raft-frame-codec.ts).
const PROTOCOL_VERSION = 2;
const NONCE_BYTES = 32;
/** Handshake frames are tiny; an unauthenticated peer gets no bigger buffer than this. */
export const HANDSHAKE_MAX_FRAME_BYTES = 1024;

export interface HandshakeIdentity {
  readonly self: NodeId;
  readonly clusterSecret: string;
  /** The id every node of the cluster stores; a peer of another cluster is refused. */
  readonly clusterId: string;
}

const proofOf = (
  { clusterSecret, clusterId }: HandshakeIdentity,
  role: 'dialer' | 'acceptor',
  dialer: number,
  acceptor: number,
  lane: Lane,
  dialerNonce: Uint8Array,
  acceptorNonce: Uint8Array,
): Uint8Array => {
  const transcript = encodeCbor([`flotilla/${role}`, PROTOCOL_VERSION, clusterId, dialer, acceptor, lane, dialerNonce, acceptorNonce]);
  return createHmac('sha256', clusterSecret).update(transcript).digest();
};

const proofMatches = (expected: Uint8Array, received: unknown): boolean =>
  received instanceof Uint8Array && received.byteLength === expected.byteLength && timingSafeEqual(received, expected);

const decodeHandshake = (payload: Uint8Array, kind: number): Record<string, unknown> => {
  let frame: unknown;
  try {
    frame = decodeCbor(payload);
  } catch {
    throw new ProtocolError('undecodable handshake frame');
  }
  if (typeof frame !== 'object' || frame === null || (frame as Record<string, unknown>)['kind'] !== kind) {
    throw new ProtocolError(`expected handshake frame of kind ${kind}`);
  }
  return frame as Record<string, unknown>;
};

const isNonce = (value: unknown): value is Uint8Array => value instanceof Uint8Array && value.byteLength === NONCE_BYTES;

/** The dialing side: proves itself only after the acceptor has proven itself. */
export class DialerHandshake {
  private readonly dialerNonce = new Uint8Array(randomBytes(NONCE_BYTES));
  private state: 'challenge' | 'welcome' | 'done' = 'challenge';

  constructor(
    private readonly identity: HandshakeIdentity,
    private readonly target: NodeId,
    private readonly lane: Lane,
  ) {}

  hello(): Uint8Array {
    return encodeCbor({
      kind: HandshakeKind.HELLO,
      version: PROTOCOL_VERSION,
      node: this.identity.self,
      target: this.target,
      lane: this.lane,
      cluster: this.identity.clusterId,
      nonce: this.dialerNonce,
    });
  }

  /** Feeds one frame; returns the reply to send, or `done` once the link is trusted. Throws ProtocolError. */
  receive(payload: Uint8Array): { readonly reply: Uint8Array } | 'done' {
    if (this.state === 'challenge') {
      const challenge = decodeHandshake(payload, HandshakeKind.CHALLENGE);
      if (challenge['node'] !== this.target || !isNonce(challenge['nonce'])) {
        throw new ProtocolError(`acceptor is not node ${this.target}`);
      }
      const { self } = this.identity;
      const acceptorNonce = challenge['nonce'];
      const expected = proofOf(this.identity, 'acceptor', self, this.target, this.lane, this.dialerNonce, acceptorNonce);
      if (!proofMatches(expected, challenge['proof'])) {
        throw new ProtocolError(`node ${this.target} failed to prove the cluster secret`);
      }
      this.state = 'welcome';
      const proof = proofOf(this.identity, 'dialer', self, this.target, this.lane, this.dialerNonce, acceptorNonce);
      return { reply: encodeCbor({ kind: HandshakeKind.PROOF, proof }) };
    }
    if (this.state === 'welcome') {
      decodeHandshake(payload, HandshakeKind.WELCOME);
      this.state = 'done';
      return 'done';
    }
    throw new ProtocolError('handshake frame after the handshake');
  }
}

export interface AcceptedPeer {
  readonly peer: NodeId;
  readonly lane: Lane;
}

/** The accepting side: refuses unknown node ids and anything before a valid proof. */
export class AcceptorHandshake {
  private readonly acceptorNonce = new Uint8Array(randomBytes(NONCE_BYTES));
  private hello: { readonly dialer: NodeId; readonly lane: Lane; readonly nonce: Uint8Array } | undefined;

  constructor(
    private readonly identity: HandshakeIdentity,
    private readonly isKnownPeer: (node: NodeId) => boolean,
  ) {}

  /** Feeds one frame; returns the reply to send and, on the last step, who the peer is. Throws ProtocolError. */
  receive(payload: Uint8Array): { readonly reply: Uint8Array; readonly accepted?: AcceptedPeer } {
    const { self, clusterId } = this.identity;
    if (this.hello === undefined) {
      const hello = decodeHandshake(payload, HandshakeKind.HELLO);
      const dialer = hello['node'];
      const lane = hello['lane'];
      if (hello['version'] !== PROTOCOL_VERSION) {
        throw new ProtocolError(`unsupported protocol version ${String(hello['version'])}`);
      }
      if (hello['target'] !== self) {
        throw new ProtocolError(`dialer wants node ${String(hello['target'])}, this is node ${self}`);
      }
      if (typeof dialer !== 'number' || dialer === self || !this.isKnownPeer(dialer as NodeId)) {
        throw new ProtocolError(`unknown node ${String(dialer)}`);
      }
      if ((lane !== Lane.MAIN && lane !== Lane.SNAPSHOT) || !isNonce(hello['nonce'])) {
        throw new ProtocolError('malformed hello');
      }
      if (hello['cluster'] !== clusterId) {
        throw new ProtocolError(`node ${dialer} belongs to cluster ${String(hello['cluster'])}, this node to cluster ${clusterId}`);
      }
      this.hello = { dialer: dialer as NodeId, lane, nonce: hello['nonce'] };
      const proof = proofOf(this.identity, 'acceptor', dialer, self, lane, hello['nonce'], this.acceptorNonce);
      return { reply: encodeCbor({ kind: HandshakeKind.CHALLENGE, node: self, nonce: this.acceptorNonce, proof }) };
    }
    const { dialer, lane, nonce } = this.hello;
    const answer = decodeHandshake(payload, HandshakeKind.PROOF);
    const expected = proofOf(this.identity, 'dialer', dialer, self, lane, nonce, this.acceptorNonce);
    if (!proofMatches(expected, answer['proof'])) {
      throw new ProtocolError(`node ${dialer} failed to prove the cluster secret`);
    }
    return { reply: encodeCbor({ kind: HandshakeKind.WELCOME }), accepted: { peer: dialer, lane } };
  }
}
