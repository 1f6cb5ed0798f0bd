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

  it('leaves alone every message the tuples could not carry losslessly', () => {
    const keep: Message[] = [
      { type: MessageType.HEARTBEAT, group: groupId(1), from, to, term: 1, commit: 0, context: Uint8Array.of(1) },
      { type: MessageType.HEARTBEAT_RESP, group: groupId(2), from, to, term: 1, context: Uint8Array.of(2) },
      { type: MessageType.HEARTBEAT, group: groupId(3), from, to, term: 1 },
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
