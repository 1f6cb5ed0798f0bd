import { describe, expect, it } from 'vitest';
import { EntryType, MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { FrameTooLargeError } from './errors.js';
import { byteFrameCodec } from './byte-frame-codec.js';
import { encodeOutgoing } from './outgoing-batch.js';
import { DataFrameKind, decodeDataFrame } from './wire-codec.js';

const self = nodeId(1);
const peer = nodeId(2);

const append = (group: number, dataBytes: number): Message => ({
  type: MessageType.APP,
  group: groupId(group),
  from: self,
  to: peer,
  term: 1,
  entries: [{ index: 1, term: 1, type: EntryType.COMMAND, data: new Uint8Array(dataBytes) }],
});

const snap = (group: number): Message => ({
  type: MessageType.SNAP,
  group: groupId(group),
  from: self,
  to: peer,
  term: 1,
  snapshot: { meta: { index: 1, term: 1, conf: { voters: [], votersOutgoing: [], learners: [], learnersNext: [] } }, offset: 0, data: new Uint8Array(8), done: true },
});

const groupsIn = (payload: Uint8Array): number[] => {
  const frame = decodeDataFrame(payload, self, peer);
  return frame.kind === DataFrameKind.RAFT ? frame.messages.map((message) => message.group) : [];
};

describe('encodeOutgoing', () => {
  it('puts the batch in one main frame and each snapshot chunk in its own frame', () => {
    const frames = encodeOutgoing(byteFrameCodec, self, peer, [append(1, 10), snap(2), append(3, 10), snap(4)], 1024 * 1024);
    expect(frames.main.map((batch) => groupsIn(batch.payload))).toStrictEqual([[1, 3]]);
    expect(frames.main[0]?.messageCount).toBe(2);
    expect(frames.snapshot.map((batch) => groupsIn(batch.payload))).toStrictEqual([[2], [4]]);
  });

  it('splits a batch that outgrows one frame instead of dropping it', () => {
    const batch = Array.from({ length: 8 }, (_, i) => append(i + 1, 1000));
    const frames = encodeOutgoing(byteFrameCodec, self, peer, batch, 3000);
    expect(frames.main.length).toBeGreaterThan(1);
    expect(frames.main.every((frame) => frame.payload.byteLength <= 3000)).toBe(true);
    expect(frames.main.flatMap((frame) => groupsIn(frame.payload))).toStrictEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('throws on a single message larger than a frame, and on a message not from self to the peer', () => {
    expect(() => encodeOutgoing(byteFrameCodec, self, peer, [append(1, 5000)], 3000)).toThrow(FrameTooLargeError);
    expect(() => encodeOutgoing(byteFrameCodec, self, peer, [{ ...append(1, 1), to: nodeId(3) }], 3000)).toThrow(/sendRaft to 2/);
    expect(() => encodeOutgoing(byteFrameCodec, self, peer, [{ ...append(1, 1), from: nodeId(3) }], 3000)).toThrow(/sendRaft to 2/);
  });
});
