import { describe, expect, it } from 'vitest';
import { FrameTooLargeError } from './errors.js';
import { FrameDecoder, frameHeader } from './framing.js';

const frame = (payload: Uint8Array): Buffer => Buffer.concat([frameHeader(payload.byteLength), payload]);

describe('FrameDecoder', () => {
  it('cuts frames out of a stream however it is split', () => {
    const payloads = [Buffer.from('first'), Buffer.alloc(0), Buffer.alloc(300, 9), Buffer.from('last')];
    const stream = Buffer.concat(payloads.map(frame));
    for (const pieceBytes of [1, 3, 4, 7, 64, stream.byteLength]) {
      const decoder = new FrameDecoder(1024);
      const decoded: Buffer[] = [];
      for (let offset = 0; offset < stream.byteLength; offset += pieceBytes) {
        decoded.push(...decoder.push(stream.subarray(offset, offset + pieceBytes)));
      }
      expect(decoded, `pieces of ${pieceBytes} bytes`).toStrictEqual(payloads);
    }
  });

  it('hands out a payload inside one chunk as a view, without copying', () => {
    const chunk = frame(Buffer.from('view me'));
    const [payload] = new FrameDecoder(1024).push(chunk);
    expect(payload?.buffer).toBe(chunk.buffer);
  });

  it('refuses an oversized frame on its header, before buffering the payload', () => {
    const decoder = new FrameDecoder(16);
    expect(() => decoder.push(frameHeader(17))).toThrow(FrameTooLargeError);
  });

  it('applies a raised limit to later frames', () => {
    const decoder = new FrameDecoder(4);
    expect(decoder.push(frame(Buffer.from('tiny')))).toHaveLength(1);
    decoder.setMaxFrameBytes(100);
    expect(decoder.push(frame(Buffer.alloc(50)))).toHaveLength(1);
  });
});
