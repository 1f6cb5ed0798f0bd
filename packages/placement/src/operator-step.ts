import { ConfChangeKind, isJoint } from '@flotilla/raft';
import type { ConfChange, ConfState, NodeId } from '@flotilla/raft';
import type { OperatorPlan } from './operator.js';

/** What a shard's leader does next for an operator. */
export type OperatorStep =
  | { readonly kind: 'conf-change'; readonly change: ConfChange }
  | { readonly kind: 'transfer-leader'; readonly to: NodeId }
  /** The learner has not caught up yet: ask again later. */
  | { readonly kind: 'wait-catch-up'; readonly learner: NodeId }
  /** A joint configuration is being left (the leader proposes C-new itself): ask again later. */
  | { readonly kind: 'wait-joint' }
  | { readonly kind: 'done' }
  /** The shard's configuration makes the plan meaningless (say, the target already holds a replica). */
  | { readonly kind: 'impossible'; readonly why: string };

/** The shard as its leader sees it when it asks for the next step. */
export interface ShardView {
  readonly conf: ConfState;
  readonly leader: NodeId;
  /** Whether a learner's log is close enough to the leader's to vote without stalling commits. */
  readonly caughtUp: (learner: NodeId) => boolean;
}

const isVoter = (conf: ConfState, node: NodeId): boolean => conf.voters.includes(node);
const isLearner = (conf: ConfState, node: NodeId): boolean => conf.learners.includes(node);
const isMember = (conf: ConfState, node: NodeId): boolean => isVoter(conf, node) || isLearner(conf, node);

const single = (kind: ConfChangeKind, node: NodeId): OperatorStep => ({ kind: 'conf-change', change: { changes: [{ kind, node }] } });

/** Another voter to hand the leadership to before `leaving` goes; the lowest id, so every caller picks the same. */
const successorOf = (conf: ConfState, leaving: NodeId): NodeId | undefined => [...conf.voters].filter((voter) => voter !== leaving).sort((a, b) => a - b)[0];

/**
 * The next step of `plan` on `shard`, from the configuration alone, so that repeating a step
 * that already happened is harmless and a new PD leader picks up where the old one stopped.
 * Voters never drop below the count the plan started with: a move swaps voters in one joint
 * change (C-old,new, then C-new), never a remove followed by an add.
 */
export function nextStep(plan: OperatorPlan, shard: ShardView): OperatorStep {
  const { conf } = shard;
  if (isJoint(conf)) return { kind: 'wait-joint' };
  switch (plan.kind) {
    case 'add-replica': {
      if (isVoter(conf, plan.to)) return { kind: 'done' };
      if (!isLearner(conf, plan.to)) return single(ConfChangeKind.ADD_LEARNER, plan.to);
      return shard.caughtUp(plan.to) ? single(ConfChangeKind.ADD_VOTER, plan.to) : { kind: 'wait-catch-up', learner: plan.to };
    }
    case 'move-replica': {
      if (isVoter(conf, plan.to) && !isMember(conf, plan.from)) return { kind: 'done' };
      if (isVoter(conf, plan.to)) return single(ConfChangeKind.REMOVE_NODE, plan.from);
      if (!isVoter(conf, plan.from)) return { kind: 'impossible', why: `node ${plan.from} holds no voter of the shard` };
      if (!isLearner(conf, plan.to)) return single(ConfChangeKind.ADD_LEARNER, plan.to);
      if (!shard.caughtUp(plan.to)) return { kind: 'wait-catch-up', learner: plan.to };
      if (shard.leader === plan.from) {
        const successor = successorOf(conf, plan.from);
        if (successor !== undefined) return { kind: 'transfer-leader', to: successor };
      }
      return {
        kind: 'conf-change',
        change: {
          changes: [
            { kind: ConfChangeKind.ADD_VOTER, node: plan.to },
            { kind: ConfChangeKind.REMOVE_NODE, node: plan.from },
          ],
        },
      };
    }
    case 'remove-replica': {
      if (!isMember(conf, plan.from)) return { kind: 'done' };
      if (shard.leader === plan.from) {
        const successor = successorOf(conf, plan.from);
        if (successor === undefined) return { kind: 'impossible', why: `node ${plan.from} is the shard's only voter` };
        return { kind: 'transfer-leader', to: successor };
      }
      return single(ConfChangeKind.REMOVE_NODE, plan.from);
    }
    case 'transfer-leader': {
      if (shard.leader === plan.to) return { kind: 'done' };
      if (!isVoter(conf, plan.to)) return { kind: 'impossible', why: `node ${plan.to} is not a voter of the shard` };
      return { kind: 'transfer-leader', to: plan.to };
    }
  }
}
