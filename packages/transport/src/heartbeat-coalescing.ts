import { MessageType } from '@flotilla/raft';
import type { GroupId, Message, NodeId } from '@flotilla/raft';

/**
 * `leaderCommitAhead` is the heartbeat's `leaderCommit` minus its `commit`, there exactly when
 * the heartbeat carried `leaderCommit`. As a difference it is 0 for an up-to-date follower, one
 * byte on the wire where the absolute index of a long-lived group takes five.
 */
export type HeartbeatTuple = readonly [group: number, term: number, commit: number, leaderCommitAhead?: number];
export type HeartbeatResponseTuple = readonly [group: number, term: number];

export interface CoalescedMessages {
  /** Everything that could not be folded, in the original order. */
  readonly others: Message[];
  readonly heartbeats: HeartbeatTuple[];
  readonly heartbeatResponses: HeartbeatResponseTuple[];
}

const heartbeatFields = new Set(['type', 'group', 'from', 'to', 'term', 'commit', 'leaderCommit']);
const heartbeatResponseFields = new Set(['type', 'group', 'from', 'to', 'term']);

// Only a message whose every field the tuple carries is folded, so expansion is lossless
// (a heartbeat with a ReadIndex `context` keeps its full form).
const carriesOnly = (message: Message, fields: ReadonlySet<string>): boolean => {
  for (const [field, value] of Object.entries(message)) {
    if (value !== undefined && !fields.has(field)) {
      return false;
    }
  }
  return true;
};

const isIndex = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** The tuple of a plain heartbeat; undefined for any message a tuple cannot carry. */
const heartbeatTuple = (message: Message): HeartbeatTuple | undefined => {
  const { group, term, commit, leaderCommit } = message;
  if (message.type !== MessageType.HEARTBEAT || commit === undefined || !carriesOnly(message, heartbeatFields)) {
    return undefined;
  }
  if (leaderCommit === undefined) {
    return [group, term, commit];
  }
  // Between two indexes the difference is exact, so expansion restores the same number.
  return isIndex(commit) && isIndex(leaderCommit) ? [group, term, commit, leaderCommit - commit] : undefined;
};

/**
 * Folds the plain heartbeats of many groups, all between one pair of nodes, into compact
 * tuples: with thousands of groups per node pair they are most of the traffic of an idle node.
 */
export const coalesceHeartbeats = (messages: readonly Message[]): CoalescedMessages => {
  const others: Message[] = [];
  const heartbeats: HeartbeatTuple[] = [];
  const heartbeatResponses: HeartbeatResponseTuple[] = [];
  for (const message of messages) {
    const heartbeat = heartbeatTuple(message);
    if (heartbeat !== undefined) {
      heartbeats.push(heartbeat);
    } else if (message.type === MessageType.HEARTBEAT_RESP && carriesOnly(message, heartbeatResponseFields)) {
      heartbeatResponses.push([message.group, message.term]);
    } else {
      others.push(message);
    }
  }
  return { others, heartbeats, heartbeatResponses };
};

/** The inverse of `coalesceHeartbeats`, for a frame that travelled from `from` to `to`. */
export const expandHeartbeats = (
  from: NodeId,
  to: NodeId,
  heartbeats: readonly HeartbeatTuple[],
  heartbeatResponses: readonly HeartbeatResponseTuple[],
): Message[] => {
  const messages: Message[] = [];
  for (const [group, term, commit, leaderCommitAhead] of heartbeats) {
    const heartbeat: Message = { type: MessageType.HEARTBEAT, group: group as GroupId, from, to, term, commit };
    messages.push(leaderCommitAhead === undefined ? heartbeat : { ...heartbeat, leaderCommit: commit + leaderCommitAhead });
  }
  for (const [group, term] of heartbeatResponses) {
    messages.push({ type: MessageType.HEARTBEAT_RESP, group: group as GroupId, from, to, term });
  }
  return messages;
};
