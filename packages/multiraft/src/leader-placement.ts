import { NO_NODE, Role } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import type { Replica } from './replica.js';

/** Each group's preferred leader, so that leaderships spread evenly over the voters. */
export const preferredLeader = (replica: Replica): NodeId => {
  const voters = [...replica.raft.confState().voters].sort((a, b) => a - b);
  return voters[(replica.group - 1) % voters.length] ?? NO_NODE;
};

/**
 * The voter to hand this leader's group to: `to` when it is fully caught up and recently heard
 * from; or, without `to`, the most caught-up such voter. NO_NODE when no voter qualifies.
 */
export const transferTarget = (replica: Replica, to?: NodeId): NodeId => {
  const status = replica.raft.status();
  if (status.softState.role !== Role.LEADER || status.progress === undefined) return NO_NODE;
  let best: { id: NodeId; match: number } | undefined;
  for (const peer of status.progress) {
    if (peer.id === status.id || peer.isLearner || !peer.recentActive) continue;
    if (!status.conf.voters.includes(peer.id)) continue;
    if (to !== undefined && peer.id !== to) continue;
    if (best === undefined || peer.match > best.match) best = { id: peer.id, match: peer.match };
  }
  if (best === undefined) return NO_NODE;
  // A transfer to a lagging voter stalls writes until it catches up; only a caught-up one is asked.
  return to === undefined || best.match === status.lastIndex ? best.id : NO_NODE;
};
