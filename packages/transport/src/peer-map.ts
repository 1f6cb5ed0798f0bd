import type { NodeId } from '@flotilla/raft';
import type { PeerAddress } from './transport.js';

/** A copy of the peer map, checked: a bad map is a configuration error and fails at once. */
export const validatePeers = (self: NodeId, peers: ReadonlyMap<NodeId, PeerAddress>): ReadonlyMap<NodeId, PeerAddress> => {
  for (const [peer, address] of peers) {
    if (!Number.isSafeInteger(peer) || peer <= 0) {
      throw new RangeError(`peer id must be a positive integer, got ${peer}`);
    }
    if (peer === self) {
      throw new RangeError(`the peer map must not contain this node (${self})`);
    }
    if (typeof address.host !== 'string' || address.host.length === 0 || !Number.isInteger(address.port) || address.port <= 0 || address.port > 65535) {
      throw new RangeError(`peer ${peer} has an invalid address ${JSON.stringify(address)}`);
    }
  }
  return new Map(peers);
};
