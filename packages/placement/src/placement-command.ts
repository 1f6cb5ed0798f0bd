import type { ConfState, GroupId, NodeId } from '@flotilla/raft';
import type { HashRange } from '@flotilla/storage';
import type { NodeState } from './cluster-map.js';
import type { Operator, OperatorDraft } from './operator.js';
import type { ShardEpoch } from './shard-epoch.js';

/** What the placement driver's log holds: every change to the cluster map is one of these. */
export type PlacementCommand =
  /** A node joins (or re-registers after a restart). `requestedId` 0: give it the next free id. */
  | { readonly op: 'register-node'; readonly requestedId: number; readonly peerAddress: string; readonly clientUrl: string }
  | { readonly op: 'set-node-state'; readonly node: NodeId; readonly state: NodeState }
  /** A shard the cluster starts with (bootstrap); its voters are given, its id allocated. */
  | { readonly op: 'create-shard'; readonly range: HashRange; readonly voters: readonly NodeId[] }
  /** A shard leader's account of its shard: taken only when its epoch is not older than the map's. */
  | { readonly op: 'report-shard'; readonly shard: GroupId; readonly epoch: ShardEpoch; readonly conf: ConfState }
  | { readonly op: 'start-operator'; readonly draft: OperatorDraft }
  | { readonly op: 'end-operator'; readonly shard: GroupId; readonly operatorId: number; readonly outcome: 'done' | 'cancelled' };

export type PlacementRefusal =
  | 'unknown_node'
  | 'unknown_shard'
  | 'node_id_taken'
  | 'bad_transition'
  | 'stale_epoch'
  | 'operator_in_flight'
  | 'invalid_operator'
  | 'unknown_operator';

export type PlacementResult =
  | { readonly kind: 'ok' }
  | { readonly kind: 'node-registered'; readonly node: NodeId }
  | { readonly kind: 'shard-created'; readonly shard: GroupId }
  | { readonly kind: 'operator-started'; readonly operator: Operator }
  | { readonly kind: 'refused'; readonly code: PlacementRefusal; readonly message: string };
