import type { Message, NodeId } from '@flotilla/raft';
import type { DataFrame, DataFrameKind } from './wire-codec.js';

/** A data frame as a transport sends it: what the receiving side gets back as a DataFrame. */
export type OutgoingFrame =
  | { readonly kind: typeof DataFrameKind.RAFT; readonly messages: readonly Message[] }
  | Exclude<DataFrame, { readonly kind: typeof DataFrameKind.RAFT }>;

/** An encoded frame and its payload size on a real wire (length prefix excluded), for the bounds and counters. */
export interface EncodedFrame<Payload> {
  readonly payload: Payload;
  readonly bytes: number;
}

/**
 * How frames are represented on a wire: encoded bytes on a real one (and on a test wire that
 * should exercise the encoding), or the objects themselves where encoding would only cost time.
 */
export interface FrameCodec<Payload> {
  encode(frame: OutgoingFrame): EncodedFrame<Payload>;
  /** The frame that travelled from `from` to `to`; throws ProtocolError on a malformed one. */
  decode(payload: Payload, from: NodeId, to: NodeId): DataFrame;
}
