// The snapshot file format, readable in chunks cut at any byte:
//   header   'FLSN' version(u16) reserved(u16) index(u64) term(u64) rangeStart(u64) rangeLast(u64)
//   records  0x01 stateMachineBytes(u32) bytes                                  exactly one, first
//            0x02 hash(u64) keyBytes(u32) valueBytes(u32) key value              ascending (hash, key)
//            0xff userRecords(u64) crc32(u32)                                    last; crc of all bytes before it
import { crc32 } from 'node:zlib';
import type { SnapshotMeta } from '@flotilla/raft';
import { compareBytes, concatBytes, readU32, readU64, writeU32, writeU64, writeU64Number } from './bytes.js';
import { SnapshotCorruptError } from './errors.js';
import { checkHashRange, rangeContains, type HashRange } from './hash-range.js';
import { STATE_MACHINE_MAX_BYTES, USER_KEY_MAX_BYTES, USER_VALUE_MAX_BYTES } from './limits.js';

const MAGIC = [0x46, 0x4c, 0x53, 0x4e];
const FORMAT_VERSION = 1;
const HEADER_BYTES = 40;
const TAG_STATE_MACHINE = 0x01;
const TAG_USER = 0x02;
const TAG_END = 0xff;
const STATE_MACHINE_HEAD_BYTES = 5;
const USER_HEAD_BYTES = 17;
const END_BYTES = 13;

export interface SnapshotHeader {
  readonly index: number;
  readonly term: number;
  readonly range: HashRange;
}

export type SnapshotRecord =
  | { readonly kind: 'stateMachine'; readonly data: Uint8Array }
  | { readonly kind: 'user'; readonly hash: bigint; readonly key: Uint8Array; readonly value: Uint8Array };

type EncoderStage = 'header' | 'stateMachine' | 'user' | 'ended';

/** Produces the bytes of one snapshot, record by record, keeping the running checksum. */
export class SnapshotEncoder {
  #crc = 0;
  #userRecords = 0;
  #stage: EncoderStage = 'header';

  #emit(bytes: Uint8Array): Uint8Array {
    this.#crc = crc32(bytes, this.#crc);
    return bytes;
  }

  #expect(stage: EncoderStage, next: EncoderStage): void {
    if (this.#stage !== stage) throw new Error(`snapshot encoder: expected ${this.#stage}, not ${stage}`);
    this.#stage = next;
  }

  header(meta: SnapshotMeta, range: HashRange): Uint8Array {
    this.#expect('header', 'stateMachine');
    checkHashRange(range);
    const out = new Uint8Array(HEADER_BYTES);
    out.set(MAGIC);
    out[4] = 0;
    out[5] = FORMAT_VERSION;
    writeU64Number(out, 8, meta.index);
    writeU64Number(out, 16, meta.term);
    writeU64(out, 24, range.start);
    writeU64(out, 32, range.end - 1n);
    return this.#emit(out);
  }

  stateMachine(data: Uint8Array): Uint8Array {
    this.#expect('stateMachine', 'user');
    if (data.length > STATE_MACHINE_MAX_BYTES) throw new RangeError(`state machine blob of ${data.length} bytes exceeds ${STATE_MACHINE_MAX_BYTES}`);
    const out = new Uint8Array(STATE_MACHINE_HEAD_BYTES + data.length);
    out[0] = TAG_STATE_MACHINE;
    writeU32(out, 1, data.length);
    out.set(data, STATE_MACHINE_HEAD_BYTES);
    return this.#emit(out);
  }

  user(hash: bigint, key: Uint8Array, value: Uint8Array): Uint8Array {
    this.#expect('user', 'user');
    const out = new Uint8Array(USER_HEAD_BYTES + key.length + value.length);
    out[0] = TAG_USER;
    writeU64(out, 1, hash);
    writeU32(out, 9, key.length);
    writeU32(out, 13, value.length);
    out.set(key, USER_HEAD_BYTES);
    out.set(value, USER_HEAD_BYTES + key.length);
    this.#userRecords++;
    return this.#emit(out);
  }

  end(): Uint8Array {
    this.#expect('user', 'ended');
    const out = new Uint8Array(END_BYTES);
    out[0] = TAG_END;
    writeU64Number(out, 1, this.#userRecords);
    writeU32(out, 9, crc32(out.subarray(0, 9), this.#crc));
    return out;
  }
}

function corrupt(reason: string): never {
  throw new SnapshotCorruptError(`snapshot refused: ${reason}`);
}

/**
 * Parses snapshot bytes pushed in pieces of any size. Every defect (bad magic, a header that
 * is not the expected snapshot, out-of-range or unordered records, oversized lengths, a torn
 * tail, a checksum mismatch) throws SnapshotCorruptError.
 */
export class SnapshotDecoder {
  #pending = new Uint8Array(0);
  #crc = 0;
  #userRecords = 0;
  #headerSeen = false;
  #stateMachineSeen = false;
  #ended = false;
  #previous: { hash: bigint; key: Uint8Array } | undefined;

  constructor(private readonly expected: SnapshotHeader) {}

  push(bytes: Uint8Array): SnapshotRecord[] {
    if (this.#ended && bytes.length > 0) corrupt('bytes after the end record');
    const data = this.#pending.length === 0 ? bytes : concatBytes([this.#pending, bytes]);
    const records: SnapshotRecord[] = [];
    let at = 0;
    for (;;) {
      const consumed = this.#parseOne(data.subarray(at), records);
      if (consumed === 0) break;
      this.#crc = crc32(data.subarray(at, at + consumed), this.#crc);
      at += consumed;
      if (this.#ended) {
        if (at !== data.length) corrupt('bytes after the end record');
        break;
      }
    }
    this.#pending = data.slice(at);
    return records;
  }

  /** Checks that the snapshot was complete. */
  finish(): void {
    if (!this.#ended || this.#pending.length > 0) corrupt('torn: the end record is missing');
  }

  /** Returns the bytes the record at the start of `data` takes, or 0 if it is not all there yet. */
  #parseOne(data: Uint8Array, records: SnapshotRecord[]): number {
    if (!this.#headerSeen) return this.#parseHeader(data);
    if (data.length === 0) return 0;
    const tag = data[0];
    if (!this.#stateMachineSeen) {
      if (tag !== TAG_STATE_MACHINE) corrupt('the state machine record must come first');
      if (data.length < STATE_MACHINE_HEAD_BYTES) return 0;
      const length = readU32(data, 1);
      if (length > STATE_MACHINE_MAX_BYTES) corrupt(`state machine blob of ${length} bytes`);
      if (data.length < STATE_MACHINE_HEAD_BYTES + length) return 0;
      this.#stateMachineSeen = true;
      records.push({ kind: 'stateMachine', data: data.slice(STATE_MACHINE_HEAD_BYTES, STATE_MACHINE_HEAD_BYTES + length) });
      return STATE_MACHINE_HEAD_BYTES + length;
    }
    if (tag === TAG_USER) return this.#parseUser(data, records);
    if (tag === TAG_END) return this.#parseEnd(data);
    return corrupt(`unknown record tag ${String(tag)}`);
  }

  #parseHeader(data: Uint8Array): number {
    if (data.length < HEADER_BYTES) return 0;
    if (!MAGIC.every((byte, i) => data[i] === byte)) corrupt('not a snapshot file');
    const version = (data[4] as number) * 256 + (data[5] as number);
    if (version !== FORMAT_VERSION) corrupt(`unknown format version ${version}`);
    // Compared as bigints: a corrupt u64 must be refused, not overflow a JS number.
    const [index, term, start, end] = [readU64(data, 8), readU64(data, 16), readU64(data, 24), readU64(data, 32) + 1n];
    const expected = this.expected;
    if (index !== BigInt(expected.index) || term !== BigInt(expected.term)) {
      corrupt(`it is snapshot (${index}, ${term}), expected (${expected.index}, ${expected.term})`);
    }
    if (start !== expected.range.start || end !== expected.range.end) {
      corrupt(`it covers [${start}, ${end}), expected [${expected.range.start}, ${expected.range.end})`);
    }
    this.#headerSeen = true;
    return HEADER_BYTES;
  }

  #parseUser(data: Uint8Array, records: SnapshotRecord[]): number {
    if (data.length < USER_HEAD_BYTES) return 0;
    const hash = readU64(data, 1);
    const keyBytes = readU32(data, 9);
    const valueBytes = readU32(data, 13);
    if (keyBytes > USER_KEY_MAX_BYTES || valueBytes > USER_VALUE_MAX_BYTES) corrupt(`record of ${keyBytes}+${valueBytes} bytes`);
    if (!rangeContains(this.expected.range, hash)) corrupt(`record hash ${hash} outside the range`);
    const total = USER_HEAD_BYTES + keyBytes + valueBytes;
    if (data.length < total) return 0;
    const key = data.slice(USER_HEAD_BYTES, USER_HEAD_BYTES + keyBytes);
    const previous = this.#previous;
    if (previous !== undefined && (hash < previous.hash || (hash === previous.hash && compareBytes(key, previous.key) <= 0))) {
      corrupt('records out of order');
    }
    this.#previous = { hash, key };
    this.#userRecords++;
    records.push({ kind: 'user', hash, key, value: data.slice(USER_HEAD_BYTES + keyBytes, total) });
    return total;
  }

  #parseEnd(data: Uint8Array): number {
    if (data.length < END_BYTES) return 0;
    const count = readU64(data, 1);
    if (count !== BigInt(this.#userRecords)) corrupt(`end record counts ${count} records, found ${this.#userRecords}`);
    const stored = readU32(data, 9);
    const computed = crc32(data.subarray(0, 9), this.#crc);
    if (stored !== computed) corrupt('checksum mismatch');
    this.#ended = true;
    return END_BYTES;
  }
}
