import { EntryType, MessageType } from '@flotilla/raft';
import type { ConfChange, ConfState, Entry, GroupId, Message, NodeId, SnapshotChunk } from '@flotilla/raft';
import { decodeCbor, encodeCbor, plainView } from './cbor.js';
import { ProtocolError } from './errors.js';

/*
 * A Raft frame in binary: the tag byte, a message count, then each message as its type, a
 * bit set of the fields it carries, its group and term, and the fields in bit order. Numbers
 * are unsigned LEB128 varints. Byte fields are a varint length and the bytes. `from` and `to`
 * are left out: the link's authenticated ends supply them.
 *
 * Raft frames are most of a node's traffic, and CBOR spent more on writing each message's field
 * names (and allocating as it walked them) than on the data. Configuration changes, which are
 * rare and nested, stay CBOR inside their entry.
 */

/** First byte of a binary Raft frame. Call frames are CBOR maps, which never start with it. */
export const RAFT_FRAME_TAG = 0x01;

/** A bit per optional Message field; `satisfies` below fails to compile when Message gains one without a bit. */
const Field = {
  INDEX: 1 << 0,
  LOG_TERM: 1 << 1,
  COMMIT: 1 << 2,
  LEADER_COMMIT: 1 << 3,
  /** `leaderCommit` is written as its distance above `commit`: one byte for an up-to-date follower. */
  LEADER_COMMIT_AHEAD: 1 << 4,
  REJECT: 1 << 5,
  REJECT_HINT: 1 << 6,
  HINT_TERM: 1 << 7,
  OFFSET: 1 << 8,
  CONTEXT: 1 << 9,
  TRANSFER: 1 << 10,
  ENTRIES: 1 << 11,
  SNAPSHOT: 1 << 12,
} as const;
const ALL_FIELDS = (1 << 13) - 1;

type OptionalField = Exclude<keyof Message, 'type' | 'group' | 'from' | 'to' | 'term'>;
const FIELD_OF = {
  index: Field.INDEX,
  logTerm: Field.LOG_TERM,
  commit: Field.COMMIT,
  leaderCommit: Field.LEADER_COMMIT,
  reject: Field.REJECT,
  rejectHint: Field.REJECT_HINT,
  hintTerm: Field.HINT_TERM,
  offset: Field.OFFSET,
  context: Field.CONTEXT,
  transfer: Field.TRANSFER,
  entries: Field.ENTRIES,
  snapshot: Field.SNAPSHOT,
} as const satisfies Record<OptionalField, number>;

const ENTRY_HAS_CHANGE = 1;

const MESSAGE_TYPES: ReadonlySet<number> = new Set(Object.values(MessageType));
const ENTRY_TYPES: ReadonlySet<number> = new Set(Object.values(EntryType));

/** Where a frame is written: once into a Sizer (which also checks every number), then into a Writer. */
interface FrameSink {
  byte(value: number): void;
  varint(value: number, what: string): void;
  bytes(value: Uint8Array, what: string): void;
}

class Sizer implements FrameSink {
  size = 0;

  byte(): void {
    this.size += 1;
  }

  varint(value: number, what: string): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`raft message ${what} ${value} is not a non-negative safe integer`);
    this.size += 1;
    for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) this.size += 1;
  }

  bytes(value: Uint8Array, what: string): void {
    this.varint(value.byteLength, what);
    this.size += value.byteLength;
  }
}

class Writer implements FrameSink {
  readonly out: Uint8Array;
  at = 0;

  constructor(bytes: number) {
    this.out = new Uint8Array(bytes);
  }

  byte(value: number): void {
    this.out[this.at++] = value;
  }

  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.out[this.at++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.out[this.at++] = rest;
  }

  bytes(value: Uint8Array): void {
    this.varint(value.byteLength);
    this.out.set(value, this.at);
    this.at += value.byteLength;
  }
}

/** Which fields a message carries: the bit set written before them. */
const fieldsOf = (message: Message): number => {
  let fields = 0;
  if (message.index !== undefined) fields |= FIELD_OF.index;
  if (message.logTerm !== undefined) fields |= FIELD_OF.logTerm;
  if (message.commit !== undefined) fields |= FIELD_OF.commit;
  if (message.leaderCommit !== undefined) {
    fields |= FIELD_OF.leaderCommit;
    if (message.commit !== undefined && message.leaderCommit >= message.commit) fields |= Field.LEADER_COMMIT_AHEAD;
  }
  if (message.reject !== undefined) fields |= FIELD_OF.reject;
  if (message.rejectHint !== undefined) fields |= FIELD_OF.rejectHint;
  if (message.hintTerm !== undefined) fields |= FIELD_OF.hintTerm;
  if (message.offset !== undefined) fields |= FIELD_OF.offset;
  if (message.context !== undefined) fields |= FIELD_OF.context;
  if (message.transfer !== undefined) fields |= FIELD_OF.transfer;
  if (message.entries !== undefined) fields |= FIELD_OF.entries;
  if (message.snapshot !== undefined) fields |= FIELD_OF.snapshot;
  return fields;
};

/** The CBOR of each configuration change in the batch, encoded once for both passes; undefined when there is none (nearly always). */
const encodedChanges = (messages: readonly Message[]): Map<Entry, Uint8Array> | undefined => {
  let changes: Map<Entry, Uint8Array> | undefined;
  for (const message of messages) {
    if (message.entries === undefined) continue;
    for (const entry of message.entries) {
      if (entry.change !== undefined) (changes ??= new Map()).set(entry, encodeCbor(entry.change));
    }
  }
  return changes;
};

const writeIds = (sink: FrameSink, list: readonly NodeId[], what: string): void => {
  sink.varint(list.length, what);
  for (const id of list) sink.varint(id, what);
};

const writeMessage = (sink: FrameSink, message: Message, changes: Map<Entry, Uint8Array> | undefined): void => {
  const fields = fieldsOf(message);
  sink.byte(message.type);
  sink.varint(fields, 'field set');
  sink.varint(message.group, 'group');
  sink.varint(message.term, 'term');
  if (message.index !== undefined) sink.varint(message.index, 'index');
  if (message.logTerm !== undefined) sink.varint(message.logTerm, 'logTerm');
  if (message.commit !== undefined) sink.varint(message.commit, 'commit');
  if (message.leaderCommit !== undefined) {
    const ahead = (fields & Field.LEADER_COMMIT_AHEAD) !== 0;
    sink.varint(ahead ? message.leaderCommit - (message.commit as number) : message.leaderCommit, 'leaderCommit');
  }
  if (message.reject !== undefined) sink.byte(message.reject ? 1 : 0);
  if (message.rejectHint !== undefined) sink.varint(message.rejectHint, 'rejectHint');
  if (message.hintTerm !== undefined) sink.varint(message.hintTerm, 'hintTerm');
  if (message.offset !== undefined) sink.varint(message.offset, 'offset');
  if (message.context !== undefined) sink.bytes(message.context, 'context');
  if (message.transfer !== undefined) sink.byte(message.transfer ? 1 : 0);
  const entries = message.entries;
  if (entries !== undefined) {
    sink.varint(entries.length, 'entry count');
    for (const entry of entries) {
      const change = changes?.get(entry);
      sink.varint(entry.index, 'entry index');
      sink.varint(entry.term, 'entry term');
      sink.byte(entry.type);
      sink.byte(change === undefined ? 0 : ENTRY_HAS_CHANGE);
      sink.bytes(entry.data, 'entry data');
      if (change !== undefined) sink.bytes(change, 'configuration change');
    }
  }
  const chunk = message.snapshot;
  if (chunk !== undefined) {
    const { meta } = chunk;
    sink.varint(meta.index, 'snapshot index');
    sink.varint(meta.term, 'snapshot term');
    writeIds(sink, meta.conf.voters, 'voters');
    writeIds(sink, meta.conf.votersOutgoing, 'outgoing voters');
    writeIds(sink, meta.conf.learners, 'learners');
    writeIds(sink, meta.conf.learnersNext, 'next learners');
    sink.varint(chunk.offset, 'snapshot offset');
    sink.byte(chunk.done ? 1 : 0);
    sink.bytes(chunk.data, 'snapshot data');
  }
};

const writeFrame = (sink: FrameSink, messages: readonly Message[], changes: Map<Entry, Uint8Array> | undefined): void => {
  sink.byte(RAFT_FRAME_TAG);
  sink.varint(messages.length, 'message count');
  for (const message of messages) writeMessage(sink, message, changes);
};

/**
 * One peer's batch as a binary Raft frame: sized exactly first, so it is written into one
 * allocation. Throws RangeError on a number no message may hold (a host bug).
 */
export const encodeRaftFrame = (messages: readonly Message[]): Uint8Array => {
  const changes = encodedChanges(messages);
  const sizer = new Sizer();
  writeFrame(sizer, messages, changes);
  const writer = new Writer(sizer.size);
  writeFrame(writer, messages, changes);
  return writer.out;
};

/** Reads a frame strictly: anything short, overlong, unknown or left over is a ProtocolError. */
class FrameReader {
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {}

  byte(what: string): number {
    if (this.at >= this.bytes.byteLength) throw new ProtocolError(`raft frame ends inside ${what}`);
    return this.bytes[this.at++] as number;
  }

  flag(what: string): boolean {
    const value = this.byte(what);
    if (value > 1) throw new ProtocolError(`raft frame holds ${value} for the flag ${what}`);
    return value === 1;
  }

  varint(what: string): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const next = this.byte(what);
      value += (next & 0x7f) * scale;
      if (next < 0x80) {
        // Canonical only: a last byte of 0 after another would be a second spelling of the number.
        if (next === 0 && scale > 1) throw new ProtocolError(`raft frame holds a padded number for ${what}`);
        break;
      }
      scale *= 0x80;
      if (scale > Number.MAX_SAFE_INTEGER) throw new ProtocolError(`raft frame holds an overlong number for ${what}`);
    }
    if (!Number.isSafeInteger(value)) throw new ProtocolError(`raft frame holds a number beyond 2^53 for ${what}`);
    return value;
  }

  /** A view into the frame, not a copy. */
  bytesField(what: string): Uint8Array {
    const length = this.varint(what);
    if (length > this.bytes.byteLength - this.at) throw new ProtocolError(`raft frame ends inside ${what}`);
    const view = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return view;
  }

  ids(what: string): NodeId[] {
    const count = this.varint(what);
    if (count > this.bytes.byteLength - this.at) throw new ProtocolError(`raft frame ends inside ${what}`);
    const ids: NodeId[] = [];
    for (let i = 0; i < count; i++) ids.push(this.varint(what) as NodeId);
    return ids;
  }

  get done(): boolean {
    return this.at === this.bytes.byteLength;
  }

  get remaining(): number {
    return this.bytes.byteLength - this.at;
  }
}

const readChange = (reader: FrameReader): ConfChange => {
  let change: unknown;
  try {
    change = decodeCbor(reader.bytesField('configuration change'));
  } catch (error) {
    throw new ProtocolError(`undecodable configuration change: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (typeof change !== 'object' || change === null || !Array.isArray((change as { changes?: unknown }).changes)) {
    throw new ProtocolError('raft frame holds a malformed configuration change');
  }
  return change as ConfChange;
};

const readEntries = (reader: FrameReader): Entry[] => {
  const count = reader.varint('entry count');
  // Each entry takes at least five bytes: a bound before allocating for a forged count.
  if (count * 5 > reader.remaining) throw new ProtocolError(`raft frame claims ${count} entries in ${reader.remaining} bytes`);
  const entries: Entry[] = [];
  for (let i = 0; i < count; i++) {
    const index = reader.varint('entry index');
    const term = reader.varint('entry term');
    const type = reader.byte('entry type');
    if (!ENTRY_TYPES.has(type)) throw new ProtocolError(`raft frame holds an entry of unknown type ${type}`);
    const flags = reader.byte('entry flags');
    if ((flags & ~ENTRY_HAS_CHANGE) !== 0) throw new ProtocolError(`raft frame holds unknown entry flags ${flags}`);
    const data = reader.bytesField('entry data');
    const base = { index, term, type: type as EntryType, data };
    entries.push((flags & ENTRY_HAS_CHANGE) === 0 ? base : { ...base, change: readChange(reader) });
  }
  return entries;
};

const readSnapshotChunk = (reader: FrameReader): SnapshotChunk => {
  const index = reader.varint('snapshot index');
  const term = reader.varint('snapshot term');
  const conf: ConfState = {
    voters: reader.ids('voters'),
    votersOutgoing: reader.ids('outgoing voters'),
    learners: reader.ids('learners'),
    learnersNext: reader.ids('next learners'),
  };
  const offset = reader.varint('snapshot offset');
  const done = reader.flag('snapshot done');
  const data = reader.bytesField('snapshot data');
  return { meta: { index, term, conf }, offset, data, done };
};

const readMessage = (reader: FrameReader, from: NodeId, to: NodeId): Message => {
  const type = reader.byte('message type');
  if (!MESSAGE_TYPES.has(type)) throw new ProtocolError(`raft frame holds a message of unknown type ${type}`);
  const fields = reader.varint('field set');
  if (fields > ALL_FIELDS || ((fields & Field.LEADER_COMMIT_AHEAD) !== 0 && (fields & (Field.LEADER_COMMIT | Field.COMMIT)) !== (Field.LEADER_COMMIT | Field.COMMIT))) {
    throw new ProtocolError(`raft frame holds a message with the field set ${fields}`);
  }
  const message: { -readonly [K in keyof Message]: Message[K] } = {
    type: type as MessageType,
    group: reader.varint('group') as GroupId,
    from,
    to,
    term: reader.varint('term'),
  };
  if ((fields & Field.INDEX) !== 0) message.index = reader.varint('index');
  if ((fields & Field.LOG_TERM) !== 0) message.logTerm = reader.varint('logTerm');
  if ((fields & Field.COMMIT) !== 0) message.commit = reader.varint('commit');
  if ((fields & Field.LEADER_COMMIT) !== 0) {
    const value = reader.varint('leaderCommit');
    const leaderCommit = (fields & Field.LEADER_COMMIT_AHEAD) !== 0 ? (message.commit as number) + value : value;
    if (!Number.isSafeInteger(leaderCommit)) throw new ProtocolError('raft frame holds a leaderCommit beyond 2^53');
    message.leaderCommit = leaderCommit;
  }
  if ((fields & Field.REJECT) !== 0) message.reject = reader.flag('reject');
  if ((fields & Field.REJECT_HINT) !== 0) message.rejectHint = reader.varint('rejectHint');
  if ((fields & Field.HINT_TERM) !== 0) message.hintTerm = reader.varint('hintTerm');
  if ((fields & Field.OFFSET) !== 0) message.offset = reader.varint('offset');
  if ((fields & Field.CONTEXT) !== 0) message.context = reader.bytesField('context');
  if ((fields & Field.TRANSFER) !== 0) message.transfer = reader.flag('transfer');
  if ((fields & Field.ENTRIES) !== 0) message.entries = readEntries(reader);
  if ((fields & Field.SNAPSHOT) !== 0) message.snapshot = readSnapshotChunk(reader);
  return message;
};

/**
 * The messages of a binary Raft frame that travelled from `from` to `to`; its first byte is
 * RAFT_FRAME_TAG, as the caller saw when it chose this decoder. Byte fields are views into
 * `payload` (no copy): whoever keeps one keeps the whole frame's memory alive.
 */
export const decodeRaftMessages = (payload: Uint8Array, from: NodeId, to: NodeId): Message[] => {
  const reader = new FrameReader(plainView(payload));
  reader.byte('tag'); // skipped: the caller dispatched on it
  const count = reader.varint('message count');
  // Each message takes at least four bytes: a bound before allocating for a forged count.
  if (count * 4 > reader.remaining) throw new ProtocolError(`raft frame claims ${count} messages in ${reader.remaining} bytes`);
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) messages.push(readMessage(reader, from, to));
  if (!reader.done) throw new ProtocolError(`raft frame has ${reader.remaining} bytes after its last message`);
  return messages;
};
