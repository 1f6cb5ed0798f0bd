import type { NodeId } from '@flotilla/raft';
import type { PeerAddress, TlsMaterial } from '@flotilla/transport';
import type { KvService } from './service.js';

/** Where a node listens for its peers, as the transport dials it. */
export type { PeerAddress };

/** Everything one node process needs to start; the server fills it from flags and environment. */
export interface NodeConfig {
  readonly id: NodeId;
  readonly dataDir: string;
  /** The node-to-node listener. */
  readonly peerListen: PeerAddress;
  /** Every initial member's peer address, this node's included. */
  readonly peers: ReadonlyMap<NodeId, PeerAddress>;
  /** This node's client URL, told to the other nodes so they can redirect clients here. */
  readonly advertiseClientUrl: string;
  /** Shards created when a fresh cluster is bootstrapped; ignored when the data dir holds a cluster. */
  readonly initialShards: number;
  /**
   * A node added to a running cluster (not one of its founders): a fresh store gets the shard
   * map only, and each replica waits, empty, until its group adds this node and sends it a snapshot.
   */
  readonly joining?: boolean;
  readonly clusterSecret: string;
  readonly tickIntervalMs: number;
  readonly electionTimeoutTicks: number;
  readonly heartbeatIntervalTicks: number;
  /** Snapshot and compact a group's log after this many entries or bytes since the last snapshot. */
  readonly snapshotThresholdEntries: number;
  readonly snapshotThresholdBytes: number;
  /** Bounds on work queued per node: requests waiting for a turn, and their bytes. */
  readonly maxPendingRequests: number;
  readonly maxPendingBytes: number;
  readonly requestTimeoutMs: number;
  /** How often leaderships drift back to their preferred nodes (after restarts). */
  readonly balanceIntervalMs: number;
  /** Mutual TLS between peers; absent: plain TCP (the cluster secret still authenticates). */
  readonly peerTls?: TlsMaterial;
}

export interface RunningNode {
  readonly service: KvService;
  /** Stop taking requests, hand leaderships to other voters, flush, close storage and transport. */
  close(): Promise<void>;
}
