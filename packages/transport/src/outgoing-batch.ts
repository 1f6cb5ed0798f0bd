import { MessageType } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import { FrameTooLargeError } from './errors.js';
import type { EncodedFrame, FrameCodec } from './frame-codec.js';
import { DataFrameKind } from './wire-codec.js';

/** An encoded frame and how many Raft messages it carries (for the queue bounds). */
export interface EncodedBatch<Payload = Uint8Array> extends EncodedFrame<Payload> {
  readonly messageCount: number;
}

export interface OutgoingFrames<Payload = Uint8Array> {
  /** Normally one frame; more only when the batch would not fit one frame. */
  readonly main: EncodedBatch<Payload>[];
  /** One frame per snapshot chunk, for the snapshot lane. */
  readonly snapshot: EncodedBatch<Payload>[];
}

const encodeWithin = <Payload>(
  codec: FrameCodec<Payload>,
  messages: readonly Message[],
  maxFrameBytes: number,
  into: EncodedBatch<Payload>[],
): void => {
  const { payload, bytes } = codec.encode({ kind: DataFrameKind.RAFT, messages });
  if (bytes <= maxFrameBytes) {
    into.push({ payload, bytes, messageCount: messages.length });
    return;
  }
  if (messages.length === 1) {
    // Raft bounds every message far below a frame; one that does not fit is a host bug.
    throw new FrameTooLargeError(bytes, maxFrameBytes);
  }
  // Many groups' appends in one turn can outgrow a frame: splitting beats dropping them all.
  const middle = Math.ceil(messages.length / 2);
  encodeWithin(codec, messages.slice(0, middle), maxFrameBytes, into);
  encodeWithin(codec, messages.slice(middle), maxFrameBytes, into);
};

/**
 * Checks that the batch really goes from `self` to `to` (anything else is a host bug) and
 * encodes it: snapshot chunks apart, so that a big chunk never holds up heartbeats.
 */
export const encodeOutgoing = <Payload>(
  codec: FrameCodec<Payload>,
  self: NodeId,
  to: NodeId,
  messages: readonly Message[],
  maxFrameBytes: number,
): OutgoingFrames<Payload> => {
  const main: Message[] = [];
  const snapshot: EncodedBatch<Payload>[] = [];
  for (const message of messages) {
    if (message.from !== self || message.to !== to) {
      throw new Error(`sendRaft to ${to} got a message from ${message.from} to ${message.to} (self is ${self})`);
    }
    if (message.type === MessageType.SNAP) {
      encodeWithin(codec, [message], maxFrameBytes, snapshot);
    } else {
      main.push(message);
    }
  }
  const mainFrames: EncodedBatch<Payload>[] = [];
  if (main.length > 0) {
    encodeWithin(codec, main, maxFrameBytes, mainFrames);
  }
  return { main: mainFrames, snapshot };
};
