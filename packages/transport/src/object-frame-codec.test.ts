import { describe, expect, it } from 'vitest';
import { EntryType, MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { sampleMessages } from './testing/conformance.js';
import { objectFrameCodec } from './object-frame-codec.js';
import { DataFrameKind } from './wire-codec.js';

const from = nodeId(1);
const to = nodeId(2);
const heartbeat: Message = { type: MessageType.HEARTBEAT, group: groupId(1), from, to, term: 1, commit: 0 };
const raftFrameBytes = (messages: readonly Message[]): number => objectFrameCodec.encode({ kind: DataFrameKind.RAFT, messages }).bytes;

describe('objectFrameCodec', () => {
  it('passes the messages themselves, in a fresh array per decode (a duplicated frame is delivered twice)', () => {
    const messages = sampleMessages(from, to);
    const { payload } = objectFrameCodec.encode({ kind: DataFrameKind.RAFT, messages });
    const first = objectFrameCodec.decode(payload, from, to);
    const second = objectFrameCodec.decode(payload, from, to);
    if (first.kind !== DataFrameKind.RAFT || second.kind !== DataFrameKind.RAFT) {
      throw new Error('raft frames expected');
    }
    expect(first.messages).toStrictEqual(messages);
    expect(first.messages[0]).toBe(messages[0]);
    expect(first.messages).not.toBe(second.messages);
  });

  it('estimates a frame by the bytes it carries, so that the frame and queue bounds bite', () => {
    const base = raftFrameBytes([heartbeat]);
    expect(raftFrameBytes([{ ...heartbeat, context: new Uint8Array(100) }])).toBe(base + 100);
    expect(raftFrameBytes([heartbeat, heartbeat])).toBeGreaterThan(base);
    const append: Message = { ...heartbeat, type: MessageType.APP, entries: [{ index: 1, term: 1, type: EntryType.COMMAND, data: new Uint8Array(1000) }] };
    expect(raftFrameBytes([append])).toBeGreaterThan(base + 1000);
    const request = objectFrameCodec.encode({ kind: DataFrameKind.CALL_REQUEST, callId: 1, body: new Uint8Array(500) });
    const emptyRequest = objectFrameCodec.encode({ kind: DataFrameKind.CALL_REQUEST, callId: 1, body: new Uint8Array(0) });
    expect(request.bytes).toBe(emptyRequest.bytes + 500);
  });
});
