import type { NodeId } from '@flotilla/raft';
import type { CallHandler } from './transport.js';
import { encodeCallError, encodeCallResponse } from './wire-codec.js';

/**
 * Runs the host's handler for one incoming call and encodes its answer. Failures become an
 * error answer carrying the message (the caller sees a RemoteCallError); nothing is thrown.
 */
export const serveCall = async (
  handler: CallHandler | undefined,
  from: NodeId,
  callId: number,
  body: Uint8Array,
  maxFrameBytes: number,
): Promise<Uint8Array> => {
  if (handler === undefined) {
    return encodeCallError(callId, 'no call handler is registered on this node');
  }
  let answer: Uint8Array;
  try {
    answer = await handler(from, body);
  } catch (error) {
    return encodeCallError(callId, error instanceof Error ? error.message : String(error));
  }
  if (!(answer instanceof Uint8Array)) {
    return encodeCallError(callId, 'call handler answered with something other than bytes');
  }
  const payload = encodeCallResponse(callId, answer);
  return payload.byteLength <= maxFrameBytes
    ? payload
    : encodeCallError(callId, `answer of ${payload.byteLength} bytes exceeds the frame limit of ${maxFrameBytes} bytes`);
};
