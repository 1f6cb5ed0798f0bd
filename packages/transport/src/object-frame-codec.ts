import { entryBytes } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import type { FrameCodec, OutgoingFrame } from './frame-codec.js';
import { DataFrameKind } from './wire-codec.js';

// Sizes of the order of the real frames (a binary Raft message's type, field set, group, term and
// a few indexes as varints; a CBOR call frame's map); only their order of magnitude matters here.
const FRAME_OVERHEAD_BYTES = 12;
const MESSAGE_OVERHEAD_BYTES = 12;
const SNAPSHOT_META_BYTES = 48;

const messageBytes = (message: Message): number => {
  let bytes = MESSAGE_OVERHEAD_BYTES + (message.context?.byteLength ?? 0);
  for (const entry of message.entries ?? []) {
    bytes += entryBytes(entry);
  }
  if (message.snapshot !== undefined) {
    bytes += SNAPSHOT_META_BYTES + message.snapshot.data.byteLength;
  }
  return bytes;
};

/** An estimate of the encoded size: enough for the bounds to bite, at a fraction of encoding's cost. */
const estimatedBytes = (frame: OutgoingFrame): number => {
  switch (frame.kind) {
    case DataFrameKind.RAFT:
      return frame.messages.reduce((total, message) => total + messageBytes(message), FRAME_OVERHEAD_BYTES);
    case DataFrameKind.CALL_REQUEST:
    case DataFrameKind.CALL_RESPONSE:
      return FRAME_OVERHEAD_BYTES + frame.body.byteLength;
    case DataFrameKind.CALL_ERROR:
      return FRAME_OVERHEAD_BYTES + frame.message.length;
  }
};

/**
 * Frames as the objects themselves, never encoded: for the simulator, which sends millions of
 * messages per suite. Senders and receivers share the messages, so nobody may change them.
 */
export const objectFrameCodec: FrameCodec<OutgoingFrame> = {
  encode: (frame) => ({ payload: frame, bytes: estimatedBytes(frame) }),
  // A fresh array per delivery: a duplicated frame must not hand two hosts one array.
  decode: (frame) => (frame.kind === DataFrameKind.RAFT ? { kind: DataFrameKind.RAFT, messages: [...frame.messages] } : frame),
};
