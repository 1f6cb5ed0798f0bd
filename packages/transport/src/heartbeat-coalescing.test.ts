import { describe, expect, it } from 'vitest';
import { MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { coalesceHeartbeats, expandHeartbeats } from './heartbeat-coalescing.js';

const from = nodeId(1);
const to = nodeId(2);

describe('coalesceHeartbeats / expandHeartbeats', () => {
  it('folds plain heartbeats and responses into tuples and expands them back', () => {
    const heartbeats: Message[] = [3, 1, 2].map((group) => ({ type: MessageType.HEARTBEAT, group: groupId(group), from, to, term: 5, commit: group * 10 }));
    const responses: Message[] = [4, 5].map((group) => ({ type: MessageType.HEARTBEAT_RESP, group: groupId(group), from, to, term: 6 }));
    const coalesced = coalesceHeartbeats([...heartbeats, ...responses]);
    expect(coalesced.others).toStrictEqual([]);
    expect(coalesced.heartbeats).toStrictEqual([[3, 5, 30], [1, 5, 10], [2, 5, 20]]);
    expect(coalesced.heartbeatResponses).toStrictEqual([[4, 6], [5, 6]]);
    expect(expandHeartbeats(from, to, coalesced.heartbeats, coalesced.heartbeatResponses)).toStrictEqual([...heartbeats, ...responses]);
  });

  it('carries leaderCommit, as its lead over commit, in a fourth number only when the heartbeat has it', () => {
    const heartbeats: Message[] = [
      { type: MessageType.HEARTBEAT, group: groupId(1), from, to, term: 5, commit: 3, leaderCommit: 9 },
      { type: MessageType.HEARTBEAT, group: groupId(2), from, to, term: 5, commit: 1_000_000, leaderCommit: 1_000_000 },
      { type: MessageType.HEARTBEAT, group: groupId(3), from, to, term: 5, commit: 4 },
      { type: MessageType.HEARTBEAT, group: groupId(4), from, to, term: 5, commit: 7, leaderCommit: 2 },
    ];
    const coalesced = coalesceHeartbeats(heartbeats);
    expect(coalesced.others).toStrictEqual([]);
    expect(coalesced.heartbeats).toStrictEqual([[1, 5, 3, 6], [2, 5, 1_000_000, 0], [3, 5, 4], [4, 5, 7, -5]]);
    expect(expandHeartbeats(from, to, coalesced.heartbeats, [])).toStrictEqual(heartbeats);
  });

  it('leaves alone every message the tuples could not carry losslessly', () => {
    const keep: Message[] = [
      { type: MessageType.HEARTBEAT, group: groupId(1), from, to, term: 1, commit: 0, leaderCommit: 2, context: Uint8Array.of(1) },
      { type: MessageType.HEARTBEAT_RESP, group: groupId(2), from, to, term: 1, context: Uint8Array.of(2) },
      { type: MessageType.HEARTBEAT, group: groupId(3), from, to, term: 1 },
      { type: MessageType.HEARTBEAT, group: groupId(3), from, to, term: 1, leaderCommit: 2 },
      { type: MessageType.HEARTBEAT, group: groupId(3), from, to, term: 1, commit: 0.5, leaderCommit: 2 },
      { type: MessageType.HEARTBEAT, group: groupId(3), from, to, term: 1, commit: 0, leaderCommit: 2 ** 53 },
      { type: MessageType.HEARTBEAT_RESP, group: groupId(4), from, to, term: 1, reject: true },
      { type: MessageType.APP, group: groupId(5), from, to, term: 1, commit: 3 },
    ];
    const coalesced = coalesceHeartbeats(keep);
    expect(coalesced.others).toStrictEqual(keep);
    expect(coalesced.heartbeats).toStrictEqual([]);
    expect(coalesced.heartbeatResponses).toStrictEqual([]);
  });

  it('expands an empty frame to nothing', () => {
    expect(expandHeartbeats(from, to, [], [])).toStrictEqual([]);
  });
});
