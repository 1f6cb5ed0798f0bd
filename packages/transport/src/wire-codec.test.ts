import { describe, expect, it } from 'vitest';
import { MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { encodeCbor } from './cbor.js';
import { sampleMessages } from './conformance.js';
import { ProtocolError } from './errors.js';
import { RAFT_FRAME_TAG } from './raft-frame-codec.js';
import { DataFrameKind, decodeDataFrame, encodeCallError, encodeCallRequest, encodeCallResponse, encodeRaftFrame } from './wire-codec.js';

const from = nodeId(1);
const to = nodeId(2);

describe('wire codec', () => {
  it('round-trips raft messages, restoring from/to from the link ends', () => {
    const messages = sampleMessages(from, to);
    const frame = decodeDataFrame(Buffer.from(encodeRaftFrame(messages)), from, to);
    expect(frame.kind).toBe(DataFrameKind.RAFT);
    if (frame.kind !== DataFrameKind.RAFT) return;
    const byGroup = (a: Message, b: Message): number => a.group - b.group;
    expect([...frame.messages].sort(byGroup)).toStrictEqual([...messages].sort(byGroup));
  });

  it('decodes entry data as Uint8Array views of the frame, even from a Buffer', () => {
    const frameBytes = Buffer.from(encodeRaftFrame(sampleMessages(from, to)));
    const frame = decodeDataFrame(frameBytes, from, to);
    const data = frame.kind === DataFrameKind.RAFT ? frame.messages.find((message) => message.type === MessageType.APP)?.entries?.[0]?.data : undefined;
    expect(data).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(data)).toBe(false);
    expect(data?.buffer).toBe(frameBytes.buffer);
  });

  it('makes a frame of many heartbeats far smaller than the messages written out in CBOR', () => {
    const heartbeats: Message[] = Array.from({ length: 1000 }, (_, i) => ({ type: MessageType.HEARTBEAT, group: groupId(i + 1), from, to, term: 3, commit: 100, leaderCommit: 100 }));
    const frameBytes = encodeRaftFrame(heartbeats).byteLength;
    const plainBytes = encodeCbor(heartbeats).byteLength;
    expect(frameBytes * 4).toBeLessThan(plainBytes);
  });

  it('spends one byte per heartbeat on the leader commit index of an up-to-date follower', () => {
    const heartbeats = (leaderCommit: boolean): Message[] =>
      Array.from({ length: 1000 }, (_, i) => ({
        type: MessageType.HEARTBEAT,
        group: groupId(i + 1),
        from,
        to,
        term: 3,
        commit: 1_000_000,
        ...(leaderCommit ? { leaderCommit: 1_000_000 } : {}),
      }));
    expect(encodeRaftFrame(heartbeats(true)).byteLength - encodeRaftFrame(heartbeats(false)).byteLength).toBe(1000);
  });

  it('round-trips a leader commit index below the commit, and numbers up to 2^53 - 1', () => {
    const messages: Message[] = [
      { type: MessageType.HEARTBEAT, group: groupId(1), from, to, term: 2, commit: 9, leaderCommit: 4 },
      { type: MessageType.APP, group: groupId(2 ** 32 - 1), from, to, term: Number.MAX_SAFE_INTEGER, index: 2 ** 40, logTerm: 0, commit: 0, entries: [] },
    ];
    const frame = decodeDataFrame(encodeRaftFrame(messages), from, to);
    expect(frame).toStrictEqual({ kind: DataFrameKind.RAFT, messages });
  });

  it('refuses to encode a number no message may hold', () => {
    expect(() => encodeRaftFrame([{ type: MessageType.APP_RESP, group: groupId(1), from, to, term: 1, index: -1 }])).toThrow(RangeError);
    expect(() => encodeRaftFrame([{ type: MessageType.APP_RESP, group: groupId(1), from, to, term: 1.5 }])).toThrow(RangeError);
  });

  it('round-trips call frames', () => {
    expect(decodeDataFrame(encodeCallRequest(7, Uint8Array.of(1, 2)), from, to)).toStrictEqual({ kind: DataFrameKind.CALL_REQUEST, callId: 7, body: Uint8Array.of(1, 2) });
    expect(decodeDataFrame(encodeCallResponse(8, Uint8Array.of(3)), from, to)).toStrictEqual({ kind: DataFrameKind.CALL_RESPONSE, callId: 8, body: Uint8Array.of(3) });
    expect(decodeDataFrame(encodeCallError(9, 'no leader'), from, to)).toStrictEqual({ kind: DataFrameKind.CALL_ERROR, callId: 9, message: 'no leader' });
  });

  it('refuses malformed frames with ProtocolError', () => {
    const valid = encodeRaftFrame(sampleMessages(from, to));
    const heartbeat = encodeRaftFrame([{ type: MessageType.HEARTBEAT, group: groupId(1), from, to, term: 2, commit: 3 }]);
    const malformed = [
      Uint8Array.of(0xff, 0xff),
      encodeCbor([1, 2]),
      encodeCbor({ kind: 42 }),
      encodeCbor({ kind: DataFrameKind.RAFT, messages: [] }),
      encodeCbor({ kind: DataFrameKind.CALL_REQUEST, callId: 1.5, body: Uint8Array.of(1) }),
      encodeCbor({ kind: DataFrameKind.CALL_RESPONSE, callId: 1, body: 'text' }),
      encodeCbor({ kind: DataFrameKind.CALL_ERROR, callId: 1 }),
      // Binary raft frames: cut short anywhere, with bytes left over, or holding what no message holds.
      ...Array.from({ length: valid.byteLength - 1 }, (_, cut) => valid.subarray(0, cut + 1)),
      Uint8Array.of(...valid, 0),
      Uint8Array.of(...heartbeat.subarray(0, 2), 99, ...heartbeat.subarray(3)),
      Uint8Array.of(...heartbeat.subarray(0, 3), 0xff, 0x7f, ...heartbeat.subarray(4)),
      Uint8Array.of(RAFT_FRAME_TAG, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01),
      Uint8Array.of(RAFT_FRAME_TAG, 0x7f, 4, 0, 1, 1),
    ];
    for (const payload of malformed) {
      expect(() => decodeDataFrame(payload, from, to)).toThrow(ProtocolError);
    }
  });
});
