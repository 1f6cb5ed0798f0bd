import type { NodeId } from '@flotilla/raft';
import type { EncodedFrame, FrameCodec, OutgoingFrame } from './frame-codec.js';
import type { CallHandler } from './transport.js';
import { DataFrameKind } from './wire-codec.js';

const callError = (callId: number, message: string): OutgoingFrame => ({ kind: DataFrameKind.CALL_ERROR, callId, message });

/** The host's answer to one call as a frame: failures become an error frame carrying the message. */
const answerOf = async (handler: CallHandler | undefined, from: NodeId, callId: number, body: Uint8Array): Promise<OutgoingFrame> => {
  if (handler === undefined) {
    return callError(callId, 'no call handler is registered on this node');
  }
  let answer: Uint8Array;
  try {
    answer = await handler(from, body);
  } catch (error) {
    return callError(callId, error instanceof Error ? error.message : String(error));
  }
  if (!(answer instanceof Uint8Array)) {
    return callError(callId, 'call handler answered with something other than bytes');
  }
  return { kind: DataFrameKind.CALL_RESPONSE, callId, body: answer };
};

/**
 * Runs the host's handler for one incoming call and encodes its answer with `codec`. Failures
 * become an error answer carrying the message (the caller sees a RemoteCallError); nothing is thrown.
 */
export const serveCall = async <Payload>(
  codec: FrameCodec<Payload>,
  handler: CallHandler | undefined,
  from: NodeId,
  callId: number,
  body: Uint8Array,
  maxFrameBytes: number,
): Promise<EncodedFrame<Payload>> => {
  const answer = await answerOf(handler, from, callId, body);
  const encoded = codec.encode(answer);
  return answer.kind !== DataFrameKind.CALL_RESPONSE || encoded.bytes <= maxFrameBytes
    ? encoded
    : codec.encode(callError(callId, `answer of ${encoded.bytes} bytes exceeds the frame limit of ${maxFrameBytes} bytes`));
};
