import { describe, expect, it } from 'vitest';
import { MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { encodeCbor } from './cbor.js';
import { sampleMessages } from './testing/conformance.js';
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

  it('round-trips a snapshot chunk with every configuration list, and false flags', () => {
    const conf = { voters: [nodeId(1), nodeId(2)], votersOutgoing: [nodeId(3)], learners: [nodeId(4), nodeId(5)], learnersNext: [nodeId(6)] };
    const messages: Message[] = [
      { type: MessageType.SNAP, group: groupId(3), from, to, term: 4, snapshot: { meta: { index: 300, term: 4, conf }, offset: 4096, data: Uint8Array.of(9, 8, 7), done: true } },
      { type: MessageType.SNAP, group: groupId(3), from, to, term: 4, snapshot: { meta: { index: 300, term: 4, conf }, offset: 0, data: new Uint8Array(0), done: false } },
      { type: MessageType.VOTE, group: groupId(4), from, to, term: 5, index: 7, logTerm: 4, transfer: false },
      { type: MessageType.APP_RESP, group: groupId(5), from, to, term: 5, index: 7, reject: false },
    ];
    expect(decodeDataFrame(encodeRaftFrame(messages), from, to)).toStrictEqual({ kind: DataFrameKind.RAFT, messages });
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
      // A field set beyond 32 bits whose low bits are valid (2^32 + 4).
      Uint8Array.of(RAFT_FRAME_TAG, 1, MessageType.HEARTBEAT, 132, 128, 128, 128, 16, 1, 2, 3),
      // commit 2^53 - 1 with a leaderCommit 5 above it.
      Uint8Array.of(RAFT_FRAME_TAG, 1, MessageType.HEARTBEAT, 28, 1, 2, 255, 255, 255, 255, 255, 255, 255, 15, 5),
      // A group written as 1 padded to two bytes.
      Uint8Array.of(RAFT_FRAME_TAG, 1, MessageType.HEARTBEAT, 4, 0x81, 0x00, 2, 3),
    ];
    for (const payload of malformed) {
      expect(() => decodeDataFrame(payload, from, to)).toThrow(ProtocolError);
    }
  });
});
