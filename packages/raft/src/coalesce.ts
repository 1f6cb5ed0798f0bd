import { entriesBytes } from './entry-size.js';
import type { Message } from './types.js';
import { MessageType } from './types.js';

/**
 * Folds `next` into the last message queued for the same peer when one message says what both
 * say: consecutive appends of one term (the later carries the newer commit index) and
 * acceptances of one term (the higher index implies the lower). Several steps of one turn can
 * each queue an append to one follower (an empty probe answer, then new entries) or an answer
 * to one leader; apart, they would leave as several messages and draw several answers.
 * True if `next` was folded in; the caller queues it otherwise.
 */
export const coalesceInto = (queue: Message[], next: Message, maxMessageBytes: number): boolean => {
  if (next.type !== MessageType.APP && next.type !== MessageType.APP_RESP) return false;
  let at = queue.length - 1;
  while (at >= 0 && (queue[at] as Message).to !== next.to) at--;
  if (at < 0) return false;
  const previous = queue[at] as Message;
  if (previous.type !== next.type || previous.term !== next.term) return false;
  const merged = next.type === MessageType.APP ? joinAppends(previous, next, maxMessageBytes) : laterAcceptance(previous, next);
  if (merged === undefined) return false;
  queue[at] = merged;
  return true;
};

const joinAppends = (previous: Message, next: Message, maxMessageBytes: number): Message | undefined => {
  const before = previous.entries ?? [];
  const after = next.entries ?? [];
  if (next.index !== (previous.index ?? 0) + before.length) return undefined;
  if (before.length > 0 && after.length > 0 && entriesBytes(before) + entriesBytes(after) > maxMessageBytes) return undefined;
  const entries = before.length === 0 ? after : after.length === 0 ? before : before.concat(after);
  return { ...next, index: previous.index ?? 0, logTerm: previous.logTerm ?? 0, entries };
};

const laterAcceptance = (previous: Message, next: Message): Message | undefined => {
  if (previous.reject === true || next.reject === true) return undefined;
  return (next.index ?? 0) >= (previous.index ?? 0) ? next : undefined;
};
