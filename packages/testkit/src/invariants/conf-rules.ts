import type { ConfState, NodeId } from '@flotilla/raft';

const sameSet = (a: readonly NodeId[], b: readonly NodeId[]): boolean => {
  const setA = new Set(a);
  return setA.size === new Set(b).size && b.every((node) => setA.has(node));
};

const isJoint = (conf: ConfState): boolean => conf.votersOutgoing.length > 0;

export const describeConf = (conf: ConfState): string =>
  `voters=[${conf.voters.join(',')}] outgoing=[${conf.votersOutgoing.join(',')}] ` +
  `learners=[${conf.learners.join(',')}] learnersNext=[${conf.learnersNext.join(',')}]`;

/** A majority of `voters` inside `present`; an empty voter set has no quorum at all. */
const hasMajority = (voters: readonly NodeId[], present: ReadonlySet<NodeId>): boolean =>
  voters.length > 0 && voters.filter((node) => present.has(node)).length * 2 > voters.length;

/** Whether `present` decides for `conf`: joint configurations need both majorities. */
export const isQuorum = (conf: ConfState, present: ReadonlySet<NodeId>): boolean =>
  hasMajority(conf.voters, present) && (!isJoint(conf) || hasMajority(conf.votersOutgoing, present));

const MAX_UNIVERSE = 16;

/**
 * Whether every quorum of `a` meets every quorum of `b`. Quorums are closed upwards, so two
 * disjoint ones exist exactly when some quorum of `a` leaves a quorum of `b` in its complement;
 * the universe is a handful of nodes, so every subset is tried.
 */
export function quorumsIntersect(a: ConfState, b: ConfState): boolean {
  const universe = [...new Set([...a.voters, ...a.votersOutgoing, ...b.voters, ...b.votersOutgoing])];
  if (universe.length > MAX_UNIVERSE) throw new RangeError(`too many voters to enumerate: ${universe.length}`);
  for (let mask = 0; mask < 1 << universe.length; mask++) {
    const inside = new Set<NodeId>();
    const outside = new Set<NodeId>();
    universe.forEach((node, bit) => ((mask >> bit) & 1 ? inside : outside).add(node));
    if (isQuorum(a, inside) && isQuorum(b, outside)) return false;
  }
  return true;
}

/** Problems with one configuration on its own; empty when it is well formed. */
export function confProblems(conf: ConfState): string[] {
  const problems: string[] = [];
  const lists = { voters: conf.voters, votersOutgoing: conf.votersOutgoing, learners: conf.learners, learnersNext: conf.learnersNext };
  for (const [name, list] of Object.entries(lists)) {
    if (new Set(list).size !== list.length) problems.push(`${name} has duplicates`);
  }
  if (conf.voters.length === 0) problems.push('no voters');
  const voters = new Set(conf.voters);
  const outgoing = new Set(conf.votersOutgoing);
  if (conf.learners.some((node) => voters.has(node) || outgoing.has(node))) problems.push('a learner is also a voter');
  if (conf.learnersNext.some((node) => voters.has(node) || !outgoing.has(node))) {
    problems.push('learnersNext must be outgoing voters only');
  }
  if (!isJoint(conf) && conf.learnersNext.length > 0) problems.push('learnersNext outside a joint configuration');
  return problems;
}

/**
 * Problems with the step from `previous` to `next`, by the joint-consensus rules: enter the
 * joint configuration from a simple one (keeping the old voters as outgoing), leave it for
 * its incoming half, or change at most one voter without joint consensus. Whatever the step,
 * the two configurations' quorums must intersect.
 */
export function transitionProblems(previous: ConfState, next: ConfState): string[] {
  const problems = confProblems(next);
  if (!isJoint(previous) && isJoint(next)) {
    if (!sameSet(next.votersOutgoing, previous.voters)) problems.push('entering joint: outgoing voters are not the old voters');
  } else if (isJoint(previous) && !isJoint(next)) {
    if (!sameSet(next.voters, previous.voters)) problems.push('leaving joint: voters are not the incoming voters');
    if (!sameSet(next.learners, [...previous.learners, ...previous.learnersNext])) {
      problems.push('leaving joint: learners are not learners plus learnersNext');
    }
  } else if (isJoint(previous) && isJoint(next)) {
    problems.push('joint configuration changed without leaving it first');
  } else {
    const changed = [...new Set([...previous.voters, ...next.voters])].filter(
      (node) => previous.voters.includes(node) !== next.voters.includes(node),
    );
    if (changed.length > 1) problems.push(`simple change moved ${changed.length} voters at once`);
  }
  if (!quorumsIntersect(previous, next)) problems.push('two disjoint quorums are possible');
  return problems;
}
