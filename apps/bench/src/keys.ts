// Keys are 'k' followed by the zero-padded key number, exactly `keySizeBytes` long, so key
// size and key space are independent knobs and a key names its number for debugging.
import type { Xoshiro128 } from '@flotilla/raft';

const KEY_PREFIX = 'k';

/** The shortest key size that can spell every key of `keySpace`. */
export function minKeySizeBytes(keySpace: number): number {
  return KEY_PREFIX.length + String(Math.max(0, keySpace - 1)).length;
}

export function formatKey(keyNumber: number, keySizeBytes: number): string {
  const digits = String(keyNumber);
  if (KEY_PREFIX.length + digits.length > keySizeBytes) {
    throw new RangeError(`key number ${keyNumber} does not fit in ${keySizeBytes} bytes`);
  }
  return KEY_PREFIX + digits.padStart(keySizeBytes - KEY_PREFIX.length, '0');
}

/** Hands out 0, 1, 2, ... (wrapping at the key space) to every client of a run. */
export class KeySequence {
  private nextKeyNumber = 0;

  constructor(private readonly keySpace: number) {}

  next(): number {
    const keyNumber = this.nextKeyNumber;
    this.nextKeyNumber = (keyNumber + 1) % this.keySpace;
    return keyNumber;
  }
}

export type KeyChooser = () => string;

/** Sequential when `sequence` is given, else uniform over the key space from `random`. */
export function createKeyChooser(keySpace: number, keySizeBytes: number, random: Xoshiro128, sequence?: KeySequence): KeyChooser {
  if (sequence !== undefined) return () => formatKey(sequence.next(), keySizeBytes);
  // float(), not int(): a key space may exceed the 2^32 that int() draws from.
  return () => formatKey(Math.floor(random.float() * keySpace), keySizeBytes);
}

/** A printable value of exactly `sizeBytes`, built once and sent with every write. */
export function makeValue(sizeBytes: number): Buffer {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Buffer.from(Array.from({ length: sizeBytes }, (_, index) => alphabet[index % alphabet.length]).join(''));
}
