import type { FrameCodec, OutgoingFrame } from './frame-codec.js';
import { DataFrameKind, decodeDataFrame, encodeCallError, encodeCallRequest, encodeCallResponse, encodeRaftFrame } from './wire-codec.js';

const encodeBytes = (frame: OutgoingFrame): Uint8Array => {
  switch (frame.kind) {
    case DataFrameKind.RAFT:
      return encodeRaftFrame(frame.messages);
    case DataFrameKind.CALL_REQUEST:
      return encodeCallRequest(frame.callId, frame.body);
    case DataFrameKind.CALL_RESPONSE:
      return encodeCallResponse(frame.callId, frame.body);
    case DataFrameKind.CALL_ERROR:
      return encodeCallError(frame.callId, frame.message);
  }
};

/** Frames as the bytes a TCP link carries: Raft frames in binary, call frames in CBOR. */
export const byteFrameCodec: FrameCodec<Uint8Array> = {
  encode: (frame) => {
    const payload = encodeBytes(frame);
    return { payload, bytes: payload.byteLength };
  },
  decode: decodeDataFrame,
};
