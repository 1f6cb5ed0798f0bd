import type { GroupId, NodeId } from '@flotilla/raft';

/**
 * One change the placement driver makes to one shard, carried out a step at a time by the
 * shard's leader (see operator-step.ts). Every step is derived again from the shard's
 * configuration as reported, so an operator resumes after any crash or PD leader change.
 */
export type OperatorPlan =
  /** A new replica on `to`: a learner first, promoted once it has caught up. */
  | { readonly kind: 'add-replica'; readonly to: NodeId }
  /** The replica on `from` moves to `to`: `to` learns, then one joint change swaps the voters. */
  | { readonly kind: 'move-replica'; readonly from: NodeId; readonly to: NodeId }
  | { readonly kind: 'remove-replica'; readonly from: NodeId }
  | { readonly kind: 'transfer-leader'; readonly to: NodeId };

export type OperatorKind = OperatorPlan['kind'];

/** What the scheduler proposes; the PD's state machine gives it an id when it starts. */
export type OperatorDraft = OperatorPlan & {
  readonly shard: GroupId;
  /** Why, in a few words, for GET /v1/operators and the logs. */
  readonly reason: string;
};

export type Operator = OperatorDraft & { readonly id: number };

export const describeOperator = (operator: OperatorDraft): string => {
  switch (operator.kind) {
    case 'add-replica':
      return `add a replica of shard ${operator.shard} on node ${operator.to}`;
    case 'move-replica':
      return `move shard ${operator.shard}'s replica from node ${operator.from} to node ${operator.to}`;
    case 'remove-replica':
      return `remove shard ${operator.shard}'s replica from node ${operator.from}`;
    case 'transfer-leader':
      return `transfer shard ${operator.shard}'s leadership to node ${operator.to}`;
  }
};
