import { MessageType } from '@flotilla/raft';
import type { GroupId, Message, NodeId } from '@flotilla/raft';

export type HeartbeatTuple = readonly [group: number, term: number, commit: number];
export type HeartbeatResponseTuple = readonly [group: number, term: number];

export interface CoalescedMessages {
  /** Everything that could not be folded, in the original order. */
  readonly others: Message[];
  readonly heartbeats: HeartbeatTuple[];
  readonly heartbeatResponses: HeartbeatResponseTuple[];
}

const heartbeatFields = new Set(['type', 'group', 'from', 'to', 'term', 'commit']);
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

/**
 * Folds the plain heartbeats of many groups, all between one pair of nodes, into compact
 * tuples: with thousands of groups per node pair they are most of the traffic of an idle node.
 */
export const coalesceHeartbeats = (messages: readonly Message[]): CoalescedMessages => {
  const others: Message[] = [];
  const heartbeats: HeartbeatTuple[] = [];
  const heartbeatResponses: HeartbeatResponseTuple[] = [];
  for (const message of messages) {
    if (message.type === MessageType.HEARTBEAT && message.commit !== undefined && carriesOnly(message, heartbeatFields)) {
      heartbeats.push([message.group, message.term, message.commit]);
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
  for (const [group, term, commit] of heartbeats) {
    messages.push({ type: MessageType.HEARTBEAT, group: group as GroupId, from, to, term, commit });
  }
  for (const [group, term] of heartbeatResponses) {
    messages.push({ type: MessageType.HEARTBEAT_RESP, group: group as GroupId, from, to, term });
  }
  return messages;
};
