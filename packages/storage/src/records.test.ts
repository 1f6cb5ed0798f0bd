import { describe, expect, it } from 'vitest';
import { EntryType } from '@flotilla/raft';
import type { Entry, HardState, NodeId } from '@flotilla/raft';
import { StoreCorruptError } from './errors.js';
import { decodeEntry, decodeHardState, encodeEntry, encodeHardState } from './records.js';

const hardState: HardState = { term: 7, vote: 2 as NodeId, commit: 40 };
const entry: Entry = { index: 41, term: 7, type: EntryType.COMMAND, data: new TextEncoder().encode('a committed write') };

/** Every copy of `record` with one bit of one byte flipped. */
const everyFlip = (record: Uint8Array): Uint8Array[] =>
  [...record.keys()].flatMap((at) =>
    [0x01, 0x80].map((bit) => {
      const copy = record.slice();
      copy[at] = (copy[at] as number) ^ bit;
      return copy;
    }),
  );

describe('sealed records', () => {
  it('read back what was written', () => {
    expect(decodeHardState(encodeHardState(hardState))).toEqual(hardState);
    expect(decodeEntry(41, encodeEntry(entry))).toEqual(entry);
  });

  it('refuse a hard state with any flipped bit, instead of a wrong term or vote', () => {
    for (const flipped of everyFlip(encodeHardState(hardState))) {
      expect(() => decodeHardState(flipped)).toThrow(StoreCorruptError);
    }
  });

  it('refuse a log entry with any flipped bit, naming the entry', () => {
    for (const flipped of everyFlip(encodeEntry(entry))) {
      expect(() => decodeEntry(41, flipped)).toThrow(/stored log entry 41: (checksum mismatch|unknown format version)/);
    }
  });

  it('refuse a torn record', () => {
    const record = encodeEntry(entry);
    expect(() => decodeEntry(41, record.subarray(0, record.length - 1))).toThrow(StoreCorruptError);
    expect(() => decodeHardState(record.subarray(0, 3))).toThrow(StoreCorruptError);
  });
});
