/**
 * A 53-bit non-cryptographic hash of bytes (two 32-bit multiplicative lanes, mixed at the end).
 * Used to compare states and traces cheaply; 53 bits keep it a plain, exact JS number.
 */
export class Hash53 {
  private lane1 = 0x2545f491;
  private lane2 = 0x9e3779b9;

  updateBytes(bytes: Uint8Array): this {
    for (const byte of bytes) this.mix(byte);
    return this.mix(bytes.length);
  }

  updateString(text: string): this {
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
    return this.mix(text.length);
  }

  updateNumber(value: number): this {
    // Two halves so that values above 2^32 still change the hash.
    return this.mix(value >>> 0).mix(Math.floor(value / 0x1_0000_0000) >>> 0);
  }

  private mix(value: number): this {
    this.lane1 = Math.imul(this.lane1 ^ value, 0x85ebca77);
    this.lane2 = Math.imul(this.lane2 ^ value, 0xc2b2ae3d);
    this.lane1 ^= this.lane1 >>> 15;
    this.lane2 ^= this.lane2 >>> 13;
    return this;
  }

  digest(): number {
    let a = Math.imul(this.lane1 ^ (this.lane2 >>> 16), 0x27d4eb2f);
    let b = Math.imul(this.lane2 ^ (this.lane1 >>> 13), 0x165667b1);
    a ^= a >>> 15;
    b ^= b >>> 16;
    return (b >>> 0) * 0x20_0000 + ((a >>> 0) >>> 11);
  }
}

export const hashBytes = (bytes: Uint8Array): number => new Hash53().updateBytes(bytes).digest();
