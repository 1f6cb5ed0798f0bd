import type { Socket } from 'node:net';
import { FrameTooLargeError, ProtocolError } from './errors.js';
import { FRAME_HEADER_BYTES, FrameDecoder, frameHeader } from './framing.js';

export type FrameHandler = (payload: Buffer) => void;

/**
 * A socket (plain TCP today, TLS later: anything `net.Socket`-shaped) speaking frames.
 * Wire errors (oversized or malformed frames) destroy it and surface once through `onClose`;
 * an error thrown by a frame handler for any other reason is a bug and propagates.
 */
export class FramedSocket {
  private readonly decoder: FrameDecoder;
  private frameHandler: FrameHandler;
  private closeHandler: (error: Error | undefined) => void = () => {};
  private drainHandler: () => void = () => {};
  private failure: Error | undefined;
  private closed = false;
  private corked = false;

  constructor(
    readonly socket: Socket,
    maxFrameBytes: number,
    private readonly writeBufferBytes: number,
    frameHandler: FrameHandler,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    this.frameHandler = frameHandler;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (error) => {
      this.failure ??= error;
    });
    socket.on('close', () => {
      this.closed = true;
      this.closeHandler(this.failure);
    });
  }

  get isClosed(): boolean {
    return this.closed || this.socket.destroyed;
  }

  /** Swapped synchronously when a handshake completes, so the next frame of the same chunk goes to the new handler. */
  setFrameHandler(handler: FrameHandler): void {
    this.frameHandler = handler;
  }

  setMaxFrameBytes(maxFrameBytes: number): void {
    this.decoder.setMaxFrameBytes(maxFrameBytes);
  }

  onClose(handler: (error: Error | undefined) => void): void {
    this.closeHandler = handler;
  }

  /** Runs when a frame has left and the socket is no longer backed up. */
  onDrain(handler: () => void): void {
    this.drainHandler = handler;
  }

  /** True while the socket holds enough unsent bytes that the caller should keep frames in its own queue. */
  get isBackedUp(): boolean {
    return this.socket.writableLength >= this.writeBufferBytes;
  }

  /**
   * Writes one frame; returns its size on the wire. `onFlushed` runs once the kernel has it (or
   * the socket died). The frames of one event-loop iteration leave together: the socket stays
   * corked until the check phase, so the calls forwarded for many client requests, or the
   * answers to them, cost one syscall instead of one each (on loopback the syscall carries the
   * receiver's TCP work too).
   */
  write(payload: Uint8Array, onFlushed?: () => void): number {
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      setImmediate(this.uncork);
    }
    this.socket.write(frameHeader(payload.byteLength));
    this.socket.write(payload, (error) => {
      onFlushed?.();
      // Not the socket's 'drain': that comes only after a write past its own high-water mark,
      // and a corked socket can sit below that mark yet above our limit. A failed write means
      // the socket is dying: its queue must not be poured into it (close handles the rest).
      if (error == null && !this.isClosed && !this.isBackedUp) this.drainHandler();
    });
    return FRAME_HEADER_BYTES + payload.byteLength;
  }

  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  destroy(error?: Error): void {
    this.failure ??= error;
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    if (this.isClosed) {
      return;
    }
    try {
      for (const payload of this.decoder.push(chunk)) {
        this.frameHandler(payload);
        if (this.isClosed) {
          return;
        }
      }
    } catch (error) {
      if (error instanceof FrameTooLargeError || error instanceof ProtocolError) {
        this.destroy(error);
        return;
      }
      throw error;
    }
  }
}
