import { ConfChangeError } from './errors.js';
import type { ConfChange, ConfChangeSingle, ConfState, NodeId } from './types.js';
import { ConfChangeKind, NO_NODE } from './types.js';

// Membership changes, as pure functions: each returns a new, checked configuration and never
// edits its input. Every change goes through the joint configuration C-old,new (even adding
// or removing one voter): one code path, and it is always safe.

const invalid = (message: string): ConfChangeError => new ConfChangeError('invalid-conf-change', message);

export const isJoint = (conf: ConfState): boolean => conf.votersOutgoing.length > 0;

/** Every node the configuration names, voters first. */
export const confMembers = (conf: ConfState): NodeId[] =>
  [...new Set([...conf.voters, ...conf.votersOutgoing, ...conf.learners, ...conf.learnersNext])];

/** A voter in either half of the configuration. */
export const isVoterIn = (conf: ConfState, id: NodeId): boolean =>
  conf.voters.includes(id) || conf.votersOutgoing.includes(id);

const without = (ids: readonly NodeId[], id: NodeId): NodeId[] => ids.filter((other) => other !== id);
const withId = (ids: readonly NodeId[], id: NodeId): NodeId[] => (ids.includes(id) ? [...ids] : [...ids, id]);

const checkSingle = (conf: ConfState, change: ConfChangeSingle): void => {
  if (!Number.isInteger(change.node) || change.node <= NO_NODE) throw invalid(`invalid node id ${change.node}`);
  switch (change.kind) {
    case ConfChangeKind.ADD_VOTER:
      if (conf.voters.includes(change.node)) throw invalid(`node ${change.node} is already a voter`);
      return;
    case ConfChangeKind.ADD_LEARNER:
      if (conf.learners.includes(change.node)) throw invalid(`node ${change.node} is already a learner`);
      return;
    case ConfChangeKind.REMOVE_NODE:
      if (!conf.voters.includes(change.node) && !conf.learners.includes(change.node)) {
        throw invalid(`node ${change.node} is not a member`);
      }
      return;
    default:
      throw invalid(`unknown change kind ${String((change as { kind: unknown }).kind)}`);
  }
};

/**
 * Enters C-old,new: `voters` becomes the new set and `votersOutgoing` keeps the old one.
 * ADD_VOTER promotes a learner or adds a new voter; ADD_LEARNER adds a learner or demotes a
 * voter (it stays a voter of C-old until the joint configuration is left, hence `learnersNext`);
 * REMOVE_NODE removes a voter or learner. A node may appear once per change, and C-new needs a voter.
 */
export const enterJoint = (conf: ConfState, changes: readonly ConfChangeSingle[]): ConfState => {
  if (isJoint(conf)) throw new ConfChangeError('conf-change-pending', 'the configuration is joint; leave it first');
  if (changes.length === 0) throw invalid('a configuration change needs at least one change');
  const seen = new Set<NodeId>();
  for (const change of changes) {
    if (seen.has(change.node)) throw invalid(`node ${change.node} appears twice in one change`);
    seen.add(change.node);
    checkSingle(conf, change);
  }
  let voters = [...conf.voters];
  let learners = [...conf.learners];
  let learnersNext: NodeId[] = [];
  for (const { kind, node } of changes) {
    voters = without(voters, node);
    learners = without(learners, node);
    if (kind === ConfChangeKind.ADD_VOTER) voters.push(node);
    else if (kind === ConfChangeKind.ADD_LEARNER) {
      // A voter of C-old keeps voting there until the joint configuration is left.
      if (conf.voters.includes(node)) learnersNext = withId(learnersNext, node);
      else learners.push(node);
    }
  }
  if (voters.length === 0) throw invalid('the change removes every voter');
  const next: ConfState = { voters, votersOutgoing: [...conf.voters], learners, learnersNext };
  checkConfInvariants(next);
  return next;
};

/** Leaves C-old,new for C-new: the outgoing voters drop out and demoted voters become learners. */
export const leaveJoint = (conf: ConfState): ConfState => {
  if (!isJoint(conf)) throw invalid('the configuration is not joint');
  const next: ConfState = {
    voters: [...conf.voters],
    votersOutgoing: [],
    learners: [...conf.learners, ...conf.learnersNext],
    learnersNext: [],
  };
  checkConfInvariants(next);
  return next;
};

/** The configuration after `change`; throws `ConfChangeError` when it does not apply to `conf`. */
export const applyConfChange = (conf: ConfState, change: ConfChange): ConfState => {
  if (change.leaveJoint === true) {
    if (change.changes.length > 0) throw invalid('leaveJoint carries no changes');
    return leaveJoint(conf);
  }
  return enterJoint(conf, change.changes);
};

/**
 * A well-formed configuration: no duplicates, learners vote nowhere, and `learnersNext` are
 * outgoing voters only.
 */
export const checkConfInvariants = (conf: ConfState): void => {
  for (const [name, ids] of Object.entries(conf) as [string, readonly NodeId[]][]) {
    if (new Set(ids).size !== ids.length) throw invalid(`${name} holds duplicates`);
  }
  for (const id of conf.learners) {
    if (isVoterIn(conf, id)) throw invalid(`learner ${id} is also a voter`);
  }
  for (const id of conf.learnersNext) {
    if (!conf.votersOutgoing.includes(id) || conf.voters.includes(id) || conf.learners.includes(id)) {
      throw invalid(`next learner ${id} must be an outgoing voter only`);
    }
  }
};
