import type { Message, NodeId } from '@flotilla/raft';
import { decodeCbor, encodeCbor } from './cbor.js';
import { ProtocolError } from './errors.js';
import { coalesceHeartbeats, expandHeartbeats } from './heartbeat-coalescing.js';
import type { HeartbeatResponseTuple, HeartbeatTuple } from './heartbeat-coalescing.js';

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

/**
 * One peer's batch. `from` and `to` are left out of every message: the link's authenticated
 * ends supply them on receipt, which also stops a peer from speaking for another node.
 */
export const encodeRaftFrame = (messages: readonly Message[]): Uint8Array => {
  const { others, heartbeats, heartbeatResponses } = coalesceHeartbeats(messages);
  const wireMessages = others.map(({ from: _from, to: _to, ...rest }) => rest);
  return encodeCbor({ kind: DataFrameKind.RAFT, messages: wireMessages, heartbeats, heartbeatResponses });
};

export const encodeCallRequest = (callId: number, body: Uint8Array): Uint8Array =>
  encodeCbor({ kind: DataFrameKind.CALL_REQUEST, callId, body });

export const encodeCallResponse = (callId: number, body: Uint8Array): Uint8Array =>
  encodeCbor({ kind: DataFrameKind.CALL_RESPONSE, callId, body });

export const encodeCallError = (callId: number, message: string): Uint8Array =>
  encodeCbor({ kind: DataFrameKind.CALL_ERROR, callId, message });

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isNumberTuple = (value: unknown, minLength: number, maxLength = minLength): boolean =>
  Array.isArray(value) && value.length >= minLength && value.length <= maxLength && value.every((item) => typeof item === 'number');

const listOf = (frame: Record<string, unknown>, field: string): unknown[] => {
  const value = frame[field];
  if (!Array.isArray(value)) {
    throw new ProtocolError(`raft frame without a ${field} list`);
  }
  return value;
};

const decodeRaftMessages = (frame: Record<string, unknown>, from: NodeId, to: NodeId): Message[] => {
  const wireMessages = listOf(frame, 'messages');
  const heartbeats = listOf(frame, 'heartbeats');
  const heartbeatResponses = listOf(frame, 'heartbeatResponses');
  const messages: Message[] = [];
  for (const wire of wireMessages) {
    if (!isRecord(wire) || typeof wire['type'] !== 'number' || typeof wire['group'] !== 'number' || typeof wire['term'] !== 'number') {
      throw new ProtocolError('raft frame holds a malformed message');
    }
    // The decoded object is fresh and ours: completing it in place saves a copy per message.
    wire['from'] = from;
    wire['to'] = to;
    messages.push(wire as unknown as Message);
  }
  // A heartbeat tuple has a fourth number when its heartbeat carried `leaderCommit`.
  if (!heartbeats.every((tuple) => isNumberTuple(tuple, 3, 4)) || !heartbeatResponses.every((tuple) => isNumberTuple(tuple, 2))) {
    throw new ProtocolError('raft frame holds a malformed heartbeat tuple');
  }
  messages.push(...expandHeartbeats(from, to, heartbeats as HeartbeatTuple[], heartbeatResponses as HeartbeatResponseTuple[]));
  return messages;
};

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
      return { kind: DataFrameKind.RAFT, messages: decodeRaftMessages(frame, from, to) };
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
