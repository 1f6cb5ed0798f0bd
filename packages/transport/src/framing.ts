import { FrameTooLargeError } from './errors.js';

/** Every frame is a big-endian u32 payload length, then the payload. */
export const FRAME_HEADER_BYTES = 4;

export const frameHeader = (payloadBytes: number): Buffer => {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32BE(payloadBytes, 0);
  return header;
};

/**
 * Cuts a byte stream into frame payloads. A payload inside one received chunk is a view of
 * it (no copy); one spanning chunks is joined once. The size check happens on the header,
 * before any of an oversized payload is buffered.
 */
export class FrameDecoder {
  private readonly chunks: Buffer[] = [];
  private bufferedBytes = 0;
  private payloadBytes: number | undefined;

  constructor(private maxFrameBytes: number) {}

  /** Authentication runs under a small limit; the full one applies once the peer is trusted. */
  setMaxFrameBytes(maxFrameBytes: number): void {
    this.maxFrameBytes = maxFrameBytes;
  }

  /** The payloads completed by `chunk`, in order. Throws FrameTooLargeError. */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.byteLength;
    const payloads: Buffer[] = [];
    for (;;) {
      if (this.payloadBytes === undefined) {
        if (this.bufferedBytes < FRAME_HEADER_BYTES) {
          return payloads;
        }
        const payloadBytes = this.take(FRAME_HEADER_BYTES).readUInt32BE(0);
        if (payloadBytes > this.maxFrameBytes) {
          throw new FrameTooLargeError(payloadBytes, this.maxFrameBytes);
        }
        this.payloadBytes = payloadBytes;
      }
      if (this.bufferedBytes < this.payloadBytes) {
        return payloads;
      }
      payloads.push(this.take(this.payloadBytes));
      this.payloadBytes = undefined;
    }
  }

  private take(bytes: number): Buffer {
    this.bufferedBytes -= bytes;
    const first = this.chunks[0];
    if (first !== undefined && first.byteLength >= bytes) {
      if (first.byteLength === bytes) {
        this.chunks.shift();
      } else {
        this.chunks[0] = first.subarray(bytes);
      }
      return first.subarray(0, bytes);
    }
    const joined = Buffer.allocUnsafe(bytes);
    let filled = 0;
    while (filled < bytes) {
      const chunk = this.chunks[0];
      if (chunk === undefined) {
        throw new Error('FrameDecoder lost track of its buffered bytes');
      }
      const used = Math.min(chunk.byteLength, bytes - filled);
      chunk.copy(joined, filled, 0, used);
      filled += used;
      if (used === chunk.byteLength) {
        this.chunks.shift();
      } else {
        this.chunks[0] = chunk.subarray(used);
      }
    }
    return joined;
  }
}
