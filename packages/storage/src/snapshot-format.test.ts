import { describe, expect, it } from 'vitest';
import type { SnapshotMeta } from '@flotilla/raft';
import { concatBytes } from './bytes.js';
import { SnapshotCorruptError } from './errors.js';
import type { HashRange } from './hash-range.js';
import { SnapshotDecoder, SnapshotEncoder, type SnapshotRecord } from './snapshot-format.js';

const meta: SnapshotMeta = { index: 12, term: 4, conf: { voters: [], votersOutgoing: [], learners: [], learnersNext: [] } };
const range: HashRange = { start: 100n, end: 1000n };
const expected = { index: meta.index, term: meta.term, range };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

function sampleFile(): Uint8Array {
  const encoder = new SnapshotEncoder();
  return concatBytes([
    encoder.header(meta, range),
    encoder.stateMachine(bytes('rev=7')),
    encoder.user(100n, bytes('a'), bytes('first')),
    encoder.user(100n, bytes('b'), new Uint8Array(0)),
    encoder.user(999n, bytes('z'), bytes('last')),
    encoder.end(),
  ]);
}

function decodeInPieces(file: Uint8Array, cuts: readonly number[]): SnapshotRecord[] {
  const decoder = new SnapshotDecoder(expected);
  const records: SnapshotRecord[] = [];
  let from = 0;
  for (const cut of [...cuts, file.length]) {
    records.push(...decoder.push(file.subarray(from, cut)));
    from = cut;
  }
  decoder.finish();
  return records;
}

describe('snapshot format', () => {
  it('decodes the same records whatever the chunk boundaries', () => {
    const file = sampleFile();
    const whole = decodeInPieces(file, []);
    expect(whole).toEqual([
      { kind: 'stateMachine', data: bytes('rev=7') },
      { kind: 'user', hash: 100n, key: bytes('a'), value: bytes('first') },
      { kind: 'user', hash: 100n, key: bytes('b'), value: new Uint8Array(0) },
      { kind: 'user', hash: 999n, key: bytes('z'), value: bytes('last') },
    ]);
    for (let cut = 1; cut < file.length; cut++) expect(decodeInPieces(file, [cut])).toEqual(whole);
    expect(decodeInPieces(file, Array.from({ length: file.length - 1 }, (_, i) => i + 1))).toEqual(whole);
  });

  it('refuses every single flipped byte and every truncation', () => {
    const file = sampleFile();
    for (let at = 0; at < file.length; at++) {
      const damaged = file.slice();
      damaged[at] = (damaged[at] as number) ^ 0x01;
      expect(() => decodeInPieces(damaged, []), `flipped byte ${at}`).toThrow(SnapshotCorruptError);
      expect(() => decodeInPieces(file.subarray(0, at), []), `truncated to ${at}`).toThrow(SnapshotCorruptError);
    }
    expect(() => decodeInPieces(concatBytes([file, Uint8Array.of(0)]), [])).toThrow(SnapshotCorruptError);
  });

  it('refuses a snapshot other than the one expected', () => {
    const file = sampleFile();
    expect(() => new SnapshotDecoder({ ...expected, term: 5 }).push(file)).toThrow(/expected \(12, 5\)/);
    expect(() => new SnapshotDecoder({ ...expected, range: { start: 100n, end: 999n } }).push(file)).toThrow(SnapshotCorruptError);
  });

  it('refuses records out of order or outside the range, even with a valid checksum', () => {
    const unordered = new SnapshotEncoder();
    const file = concatBytes([
      unordered.header(meta, range),
      unordered.stateMachine(new Uint8Array(0)),
      unordered.user(200n, bytes('b'), new Uint8Array(0)),
      unordered.user(200n, bytes('a'), new Uint8Array(0)),
      unordered.end(),
    ]);
    expect(() => decodeInPieces(file, [])).toThrow(/out of order/);

    const outside = new SnapshotEncoder();
    const parts = [outside.header(meta, range), outside.stateMachine(new Uint8Array(0)), outside.user(1000n, bytes('a'), new Uint8Array(0))];
    expect(() => decodeInPieces(concatBytes([...parts, outside.end()]), [])).toThrow(/outside the range/);
  });
});
