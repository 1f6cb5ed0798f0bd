import { entryBytes } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';

/** What a frame carries on the simulated wire: the objects themselves, never encoded. */
export type FrameBody =
  | { readonly kind: 'raft'; readonly messages: readonly Message[] }
  | { readonly kind: 'call'; readonly callId: number; readonly body: Uint8Array }
  | { readonly kind: 'answer'; readonly callId: number; readonly body: Uint8Array }
  | { readonly kind: 'error'; readonly callId: number; readonly message: string };

/** Snapshot chunks travel apart from the rest, as on the real transport's second lane. */
export type Lane = 'main' | 'snapshot';

export interface Frame {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly lane: Lane;
  readonly body: FrameBody;
  /** What the frame would weigh on a real wire, for the queue bounds and byte counters. */
  readonly bytes: number;
}

// Sizes in the spirit of the CBOR wire format; only their order of magnitude matters here.
const FRAME_OVERHEAD_BYTES = 12;
const MESSAGE_OVERHEAD_BYTES = 24;
const SNAPSHOT_META_BYTES = 48;

function messageBytes(message: Message): number {
  let bytes = MESSAGE_OVERHEAD_BYTES + (message.context?.byteLength ?? 0);
  for (const entry of message.entries ?? []) bytes += entryBytes(entry);
  if (message.snapshot !== undefined) bytes += SNAPSHOT_META_BYTES + message.snapshot.data.byteLength;
  return bytes;
}

/** An estimate of the frame's encoded size: the simulator never encodes, it only needs bounds to bite. */
export function frameBytes(body: FrameBody): number {
  switch (body.kind) {
    case 'raft':
      return body.messages.reduce((total, message) => total + messageBytes(message), FRAME_OVERHEAD_BYTES);
    case 'call':
    case 'answer':
      return FRAME_OVERHEAD_BYTES + body.body.byteLength;
    case 'error':
      return FRAME_OVERHEAD_BYTES + body.message.length;
  }
}
