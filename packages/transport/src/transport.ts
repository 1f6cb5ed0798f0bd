import type { Message, NodeId } from '@flotilla/raft';
import type { PeerCounters } from './peer-counters.js';

export interface PeerAddress {
  readonly host: string;
  readonly port: number;
}

export type RaftHandler = (from: NodeId, messages: Message[]) => void;
export type UnreachableHandler = (peer: NodeId) => void;
export type CallHandler = (from: NodeId, body: Uint8Array) => Promise<Uint8Array>;

/**
 * Node-to-node messaging for the multi-raft host. Raft messages are fire-and-forget (Raft
 * tolerates loss, duplication and reordering) and the host learns of trouble through
 * `onUnreachable`; calls are request/response for forwarding client requests to a leader.
 */
export interface Transport {
  readonly self: NodeId;
  start(): Promise<void>;
  /** Stops everything: no handler runs afterwards, pending calls fail, later sends are dropped. */
  close(): Promise<void>;
  /**
   * All of this loop turn's messages for one peer: one frame on the main lane (snapshot chunks
   * travel one per frame on their own lane). Never blocks; a full queue or a down link drops
   * the batch and reports the peer unreachable. Every message must be from `self` to `to`.
   */
  sendRaft(to: NodeId, messages: readonly Message[]): void;
  onRaft(handler: RaftHandler): void;
  /** Reported asynchronously (never from inside `sendRaft`), at most once per peer per microtask. */
  onUnreachable(handler: UnreachableHandler): void;
  /** Rejects with PeerUnreachableError, CallTimeoutError, RemoteCallError, CallLimitError or FrameTooLargeError. */
  call(to: NodeId, body: Uint8Array, timeoutMs: number): Promise<Uint8Array>;
  onCall(handler: CallHandler): void;
  /** Replaces the peer map; links to removed or moved peers are reset. */
  setPeers(peers: ReadonlyMap<NodeId, PeerAddress>): void;
  /** Live counters for one peer (zeros for a peer never talked to). */
  counters(peer: NodeId): Readonly<PeerCounters>;
  /** Live counters of every peer talked to so far. */
  countersByPeer(): ReadonlyMap<NodeId, Readonly<PeerCounters>>;
}
