import { describe, expect, it } from 'vitest';
import { coalesceInto } from './coalesce.js';
import type { Entry, Message } from './types.js';
import { EntryType, MessageType, groupId, nodeId } from './types.js';

const entry = (index: number, bytes = 1): Entry => ({ index, term: 2, type: EntryType.COMMAND, data: new Uint8Array(bytes) });
const base = { group: groupId(1), from: nodeId(1), term: 2 };
const append = (to: number, index: number, entries: Entry[], commit: number, term = 2): Message => ({
  ...base,
  term,
  type: MessageType.APP,
  to: nodeId(to),
  index,
  logTerm: 2,
  entries,
  commit,
});
const accept = (to: number, index: number, term = 2): Message => ({ ...base, term, type: MessageType.APP_RESP, to: nodeId(to), index });

/** Queues each message as the core does, and returns the queue. */
const queueAll = (messages: Message[], maxMessageBytes = 1 << 20): Message[] => {
  const queue: Message[] = [];
  for (const message of messages) if (!coalesceInto(queue, message, maxMessageBytes)) queue.push(message);
  return queue;
};

describe('coalescing a turn’s messages per peer', () => {
  it('joins consecutive appends into one that starts where the first did and carries the later commit', () => {
    const queue = queueAll([append(2, 4, [entry(5), entry(6)], 3), append(2, 6, [entry(7)], 5)]);
    expect(queue).toEqual([append(2, 4, [entry(5), entry(6), entry(7)], 5)]);
  });

  it('folds an empty append into the append before it, and the one after it', () => {
    expect(queueAll([append(2, 4, [entry(5)], 3), append(2, 5, [], 5)])).toEqual([append(2, 4, [entry(5)], 5)]);
    expect(queueAll([append(2, 5, [], 4), append(2, 5, [entry(6)], 5)])).toEqual([append(2, 5, [entry(6)], 5)]);
  });

  it('keeps appends apart across peers, terms, gaps and the message size limit', () => {
    const twoPeers = [append(2, 4, [entry(5)], 3), append(3, 4, [entry(5)], 3)];
    expect(queueAll(twoPeers)).toEqual(twoPeers);
    const twoTerms = [append(2, 4, [entry(5)], 3, 2), append(2, 5, [entry(6)], 3, 3)];
    expect(queueAll(twoTerms)).toEqual(twoTerms);
    // A probe after a rejection restarts lower: not a continuation.
    const restart = [append(2, 4, [entry(5)], 3), append(2, 2, [entry(3)], 3)];
    expect(queueAll(restart)).toEqual(restart);
    const large = [append(2, 4, [entry(5, 600)], 3), append(2, 5, [entry(6, 600)], 3)];
    expect(queueAll(large, 1_000)).toEqual(large);
  });

  it('joins only with the last message queued for that peer, so a peer still sees them in order', () => {
    const heartbeat: Message = { ...base, type: MessageType.HEARTBEAT, to: nodeId(2), commit: 3 };
    const interleaved = [append(2, 4, [entry(5)], 3), heartbeat, append(2, 5, [entry(6)], 3)];
    expect(queueAll(interleaved)).toEqual(interleaved);
  });

  it('keeps the highest of a term’s acceptances, and every rejection', () => {
    expect(queueAll([accept(1, 5), accept(1, 9)])).toEqual([accept(1, 9)]);
    expect(queueAll([accept(1, 9), accept(1, 5)])).toEqual([accept(1, 9), accept(1, 5)]);
    const rejection: Message = { ...accept(1, 5), reject: true, rejectHint: 3, hintTerm: 1 };
    expect(queueAll([accept(1, 4), rejection, accept(1, 6)])).toEqual([accept(1, 4), rejection, accept(1, 6)]);
    expect(queueAll([accept(1, 5, 2), accept(1, 6, 3)])).toEqual([accept(1, 5, 2), accept(1, 6, 3)]);
  });
});
