// The cluster map the placement driver replicates: the nodes, the shards, and the operators in
// flight. Only facts that must survive a PD leader change are here; load figures (key counts,
// bytes, write rates, last heartbeats) are reported often and kept by the PD leader alone, as
// TiKV's PD keeps region heartbeats in memory and persists a region only when its epoch moves.
import type { ConfState, GroupId, NodeId } from '@flotilla/raft';
import type { HashRange } from '@flotilla/storage';
import type { ShardEpoch } from './shard-epoch.js';
import type { Operator } from './operator.js';

/**
 * `up` serves and takes replicas; `down` was silent past the down delay (its replicas are
 * re-created elsewhere); `draining` is being emptied before removal; `removed` is gone for good
 * and refused if it comes back.
 */
export type NodeState = 'up' | 'down' | 'draining' | 'removed';

export interface NodeRecord {
  readonly id: NodeId;
  /** host:port of its peer listener. */
  readonly peerAddress: string;
  readonly clientUrl: string;
  readonly state: NodeState;
}

export interface ShardRecord {
  readonly id: GroupId;
  readonly range: HashRange;
  readonly epoch: ShardEpoch;
  /** As its leader last reported it (or as created). */
  readonly conf: ConfState;
}

export interface ClusterMap {
  readonly nodes: ReadonlyMap<NodeId, NodeRecord>;
  readonly shards: ReadonlyMap<GroupId, ShardRecord>;
  /** At most one per shard. */
  readonly operators: ReadonlyMap<GroupId, Operator>;
}
