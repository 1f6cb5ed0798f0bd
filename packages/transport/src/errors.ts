import type { NodeId } from '@flotilla/raft';

/** The peer is unknown, down, partitioned away, or its link failed while the call was pending. */
export class PeerUnreachableError extends Error {
  override readonly name = 'PeerUnreachableError';
  /**
   * `mayHaveArrived: false` when the call was refused before anything was sent (no link), so a
   * caller may safely try again elsewhere; true when the link failed while the call was out.
   */
  constructor(
    readonly peer: NodeId,
    reason: string,
    readonly mayHaveArrived = true,
  ) {
    super(`peer ${peer} unreachable: ${reason}`);
  }
}

/** No answer arrived within the caller's deadline; the remote handler may still have run. */
export class CallTimeoutError extends Error {
  override readonly name = 'CallTimeoutError';
  constructor(readonly peer: NodeId, readonly timeoutMs: number) {
    super(`call to peer ${peer} timed out after ${timeoutMs} ms`);
  }
}

/** The remote `onCall` handler failed; `message` is the remote error's message. */
export class RemoteCallError extends Error {
  override readonly name = 'RemoteCallError';
  constructor(readonly peer: NodeId, remoteMessage: string) {
    super(remoteMessage);
  }
}

/** Too many calls to one peer are waiting for answers; the caller should back off. */
export class CallLimitError extends Error {
  override readonly name = 'CallLimitError';
  constructor(readonly peer: NodeId, readonly maxInflightCalls: number) {
    super(`peer ${peer} already has ${maxInflightCalls} calls in flight`);
  }
}

/** A frame above the size limit: refused when sending, and resets the link when received. */
export class FrameTooLargeError extends Error {
  override readonly name = 'FrameTooLargeError';
  constructor(readonly frameBytes: number, readonly maxFrameBytes: number) {
    super(`frame of ${frameBytes} bytes exceeds the limit of ${maxFrameBytes} bytes`);
  }
}

/** A peer broke the wire protocol (bad frame shape, failed authentication); its link is reset. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** The transport was closed (or never started) when the operation was attempted. */
export class TransportClosedError extends Error {
  override readonly name = 'TransportClosedError';
  constructor() {
    super('transport is not running');
  }
}
