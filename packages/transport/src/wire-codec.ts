import type { Message, NodeId } from '@flotilla/raft';
import { decodeCbor, encodeCbor } from './cbor.js';
import { ProtocolError } from './errors.js';
import { RAFT_FRAME_TAG, decodeRaftMessages } from './raft-frame-codec.js';

/** Frames after authentication. Handshake frames use their own kinds (see handshake.ts). */
export const DataFrameKind = {
  RAFT: 1,
  CALL_REQUEST: 2,
  CALL_RESPONSE: 3,
  CALL_ERROR: 4,
} as const;

export type DataFrame =
  | { readonly kind: typeof DataFrameKind.RAFT; readonly messages: Message[] }
  | { readonly kind: typeof DataFrameKind.CALL_REQUEST; readonly callId: number; readonly body: Uint8Array }
  | { readonly kind: typeof DataFrameKind.CALL_RESPONSE; readonly callId: number; readonly body: Uint8Array }
  | { readonly kind: typeof DataFrameKind.CALL_ERROR; readonly callId: number; readonly message: string };

// Raft frames are binary, call frames CBOR maps; the first byte tells them apart.
export { encodeRaftFrame } from './raft-frame-codec.js';

export const encodeCallRequest = (callId: number, body: Uint8Array): Uint8Array =>
  encodeCbor({ kind: DataFrameKind.CALL_REQUEST, callId, body });

export const encodeCallResponse = (callId: number, body: Uint8Array): Uint8Array =>
  encodeCbor({ kind: DataFrameKind.CALL_RESPONSE, callId, body });

export const encodeCallError = (callId: number, message: string): Uint8Array =>
  encodeCbor({ kind: DataFrameKind.CALL_ERROR, callId, message });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const callIdOf = (frame: Record<string, unknown>): number => {
  const callId = frame['callId'];
  if (typeof callId !== 'number' || !Number.isSafeInteger(callId)) {
    throw new ProtocolError('call frame without a valid callId');
  }
  return callId;
};

const bodyOf = (frame: Record<string, unknown>): Uint8Array => {
  const body = frame['body'];
  if (!(body instanceof Uint8Array)) {
    throw new ProtocolError('call frame without a byte body');
  }
  return body;
};

/** Decodes a frame that travelled from `from` to `to`; throws ProtocolError on anything malformed. */
export const decodeDataFrame = (payload: Uint8Array, from: NodeId, to: NodeId): DataFrame => {
  if (payload[0] === RAFT_FRAME_TAG) return { kind: DataFrameKind.RAFT, messages: decodeRaftMessages(payload, from, to) };
  let frame: unknown;
  try {
    frame = decodeCbor(payload);
  } catch (error) {
    throw new ProtocolError(`undecodable frame: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!isRecord(frame)) {
    throw new ProtocolError('frame is not a map');
  }
  switch (frame['kind']) {
    case DataFrameKind.RAFT:
      throw new ProtocolError('a raft frame must be binary, not CBOR');
    case DataFrameKind.CALL_REQUEST:
      return { kind: DataFrameKind.CALL_REQUEST, callId: callIdOf(frame), body: bodyOf(frame) };
    case DataFrameKind.CALL_RESPONSE:
      return { kind: DataFrameKind.CALL_RESPONSE, callId: callIdOf(frame), body: bodyOf(frame) };
    case DataFrameKind.CALL_ERROR: {
      const message = frame['message'];
      if (typeof message !== 'string') {
        throw new ProtocolError('call error frame without a message');
      }
      return { kind: DataFrameKind.CALL_ERROR, callId: callIdOf(frame), message };
    }
    default:
      throw new ProtocolError(`unknown frame kind ${String(frame['kind'])}`);
  }
};
