import { MessageType } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import { FrameTooLargeError } from './errors.js';
import { encodeRaftFrame } from './wire-codec.js';

/** An encoded frame and how many Raft messages it carries (for the queue bounds). */
export interface EncodedBatch {
  readonly payload: Uint8Array;
  readonly messageCount: number;
}

export interface OutgoingFrames {
  /** Normally one frame; more only when the batch would not fit one frame. */
  readonly main: EncodedBatch[];
  /** One frame per snapshot chunk, for the snapshot lane. */
  readonly snapshot: EncodedBatch[];
}

const encodeWithin = (messages: readonly Message[], maxFrameBytes: number, into: EncodedBatch[]): void => {
  const payload = encodeRaftFrame(messages);
  if (payload.byteLength <= maxFrameBytes) {
    into.push({ payload, messageCount: messages.length });
    return;
  }
  if (messages.length === 1) {
    // Raft bounds every message far below a frame; one that does not fit is a host bug.
    throw new FrameTooLargeError(payload.byteLength, maxFrameBytes);
  }
  // Many groups' appends in one turn can outgrow a frame: splitting beats dropping them all.
  const middle = Math.ceil(messages.length / 2);
  encodeWithin(messages.slice(0, middle), maxFrameBytes, into);
  encodeWithin(messages.slice(middle), maxFrameBytes, into);
};

/**
 * Checks that the batch really goes from `self` to `to` (anything else is a host bug) and
 * encodes it: snapshot chunks apart, so that a big chunk never holds up heartbeats.
 */
export const encodeOutgoing = (self: NodeId, to: NodeId, messages: readonly Message[], maxFrameBytes: number): OutgoingFrames => {
  const main: Message[] = [];
  const snapshot: EncodedBatch[] = [];
  for (const message of messages) {
    if (message.from !== self || message.to !== to) {
      throw new Error(`sendRaft to ${to} got a message from ${message.from} to ${message.to} (self is ${self})`);
    }
    if (message.type === MessageType.SNAP) {
      encodeWithin([message], maxFrameBytes, snapshot);
    } else {
      main.push(message);
    }
  }
  const mainFrames: EncodedBatch[] = [];
  if (main.length > 0) {
    encodeWithin(main, maxFrameBytes, mainFrames);
  }
  return { main: mainFrames, snapshot };
};
