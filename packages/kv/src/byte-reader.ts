/**
 * A bounds-checked cursor over encoded bytes. Every decoder here reads through it, so a short or
 * oversized input fails with the decoder's own error type instead of a RangeError mid-parse.
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #fail: (message: string) => Error;
  #offset = 0;

  constructor(bytes: Uint8Array, fail: (message: string) => Error) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#fail = fail;
  }

  get remainingBytes(): number {
    return this.#bytes.byteLength - this.#offset;
  }

  u8(field: string): number {
    this.#need(1, field);
    const value = this.#view.getUint8(this.#offset);
    this.#offset += 1;
    return value;
  }

  u32(field: string): number {
    this.#need(4, field);
    const value = this.#view.getUint32(this.#offset);
    this.#offset += 4;
    return value;
  }

  /** A u64 that must fit a JS number: revisions and indexes never reach 2^53 in practice. */
  safeU64(field: string): number {
    this.#need(8, field);
    const value = this.#view.getBigUint64(this.#offset);
    this.#offset += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw this.#fail(`${field} ${value} exceeds 2^53-1`);
    return Number(value);
  }

  /** A view, not a copy: decoded fields share the input's memory. */
  bytes(length: number, field: string): Uint8Array {
    this.#need(length, field);
    const value = this.#bytes.subarray(this.#offset, this.#offset + length);
    this.#offset += length;
    return value;
  }

  rest(): Uint8Array {
    return this.bytes(this.remainingBytes, 'rest');
  }

  expectEnd(): void {
    if (this.remainingBytes !== 0) throw this.#fail(`${this.remainingBytes} trailing bytes`);
  }

  #need(length: number, field: string): void {
    if (this.remainingBytes < length) {
      throw this.#fail(`truncated at ${field}: needs ${length} bytes, ${this.remainingBytes} left`);
    }
  }
}
