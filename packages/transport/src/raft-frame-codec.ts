import { EntryType, MessageType } from '@flotilla/raft';
import type { ConfChange, ConfState, Entry, GroupId, Message, NodeId, SnapshotChunk } from '@flotilla/raft';
import { decodeCbor, encodeCbor } from './cbor.js';
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

const ENTRY_HAS_CHANGE = 1;
const NO_ENTRIES: readonly Entry[] = [];
const NO_ENTRIES_CHANGED: readonly (Uint8Array | undefined)[] = [];

const MESSAGE_TYPES: ReadonlySet<number> = new Set(Object.values(MessageType));
const ENTRY_TYPES: ReadonlySet<number> = new Set(Object.values(EntryType));

const varintBytes = (value: number): number => {
  let bytes = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) bytes++;
  return bytes;
};

const checkedNumber = (value: number, what: string): number => {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`raft message ${what} ${value} is not a non-negative safe integer`);
  return value;
};

interface Layout {
  readonly fields: number;
  readonly leaderCommit: number;
  readonly change: readonly (Uint8Array | undefined)[];
}

/** Which fields a message carries, and what its variable parts encode to. */
const layoutOf = (message: Message): Layout => {
  let fields = 0;
  if (message.index !== undefined) fields |= Field.INDEX;
  if (message.logTerm !== undefined) fields |= Field.LOG_TERM;
  if (message.commit !== undefined) fields |= Field.COMMIT;
  let leaderCommit = message.leaderCommit ?? 0;
  if (message.leaderCommit !== undefined) {
    fields |= Field.LEADER_COMMIT;
    if (message.commit !== undefined && message.leaderCommit >= message.commit) {
      fields |= Field.LEADER_COMMIT_AHEAD;
      leaderCommit = message.leaderCommit - message.commit;
    }
  }
  if (message.reject !== undefined) fields |= Field.REJECT;
  if (message.rejectHint !== undefined) fields |= Field.REJECT_HINT;
  if (message.hintTerm !== undefined) fields |= Field.HINT_TERM;
  if (message.offset !== undefined) fields |= Field.OFFSET;
  if (message.context !== undefined) fields |= Field.CONTEXT;
  if (message.transfer !== undefined) fields |= Field.TRANSFER;
  if (message.entries !== undefined) fields |= Field.ENTRIES;
  if (message.snapshot !== undefined) fields |= Field.SNAPSHOT;
  const entries = message.entries ?? NO_ENTRIES;
  const change = entries.some((entry) => entry.change !== undefined)
    ? entries.map((entry) => (entry.change === undefined ? undefined : encodeCbor(entry.change)))
    : NO_ENTRIES_CHANGED;
  return { fields, leaderCommit, change };
};

const bytesField = (bytes: Uint8Array): number => varintBytes(bytes.byteLength) + bytes.byteLength;

const confBytes = (conf: ConfState): number => {
  let bytes = 0;
  for (const list of [conf.voters, conf.votersOutgoing, conf.learners, conf.learnersNext]) {
    bytes += varintBytes(list.length);
    for (const id of list) bytes += varintBytes(checkedNumber(id, 'node id'));
  }
  return bytes;
};

const messageBytes = (message: Message, layout: Layout): number => {
  let bytes = 1 + varintBytes(layout.fields) + varintBytes(checkedNumber(message.group, 'group')) + varintBytes(checkedNumber(message.term, 'term'));
  if (message.index !== undefined) bytes += varintBytes(checkedNumber(message.index, 'index'));
  if (message.logTerm !== undefined) bytes += varintBytes(checkedNumber(message.logTerm, 'logTerm'));
  if (message.commit !== undefined) bytes += varintBytes(checkedNumber(message.commit, 'commit'));
  if (message.leaderCommit !== undefined) bytes += varintBytes(checkedNumber(layout.leaderCommit, 'leaderCommit'));
  if (message.reject !== undefined) bytes += 1;
  if (message.rejectHint !== undefined) bytes += varintBytes(checkedNumber(message.rejectHint, 'rejectHint'));
  if (message.hintTerm !== undefined) bytes += varintBytes(checkedNumber(message.hintTerm, 'hintTerm'));
  if (message.offset !== undefined) bytes += varintBytes(checkedNumber(message.offset, 'offset'));
  if (message.context !== undefined) bytes += bytesField(message.context);
  if (message.transfer !== undefined) bytes += 1;
  const entries = message.entries;
  if (entries !== undefined) {
    bytes += varintBytes(entries.length);
    entries.forEach((entry, at) => {
      bytes += varintBytes(checkedNumber(entry.index, 'entry index')) + varintBytes(checkedNumber(entry.term, 'entry term')) + 2;
      bytes += bytesField(entry.data);
      const change = layout.change[at];
      if (change !== undefined) bytes += bytesField(change);
    });
  }
  const chunk = message.snapshot;
  if (chunk !== undefined) {
    bytes += varintBytes(checkedNumber(chunk.meta.index, 'snapshot index')) + varintBytes(checkedNumber(chunk.meta.term, 'snapshot term'));
    bytes += confBytes(chunk.meta.conf) + varintBytes(checkedNumber(chunk.offset, 'snapshot offset')) + 1 + bytesField(chunk.data);
  }
  return bytes;
};

class FrameWriter {
  readonly out: Uint8Array;
  private at = 0;

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

  ids(list: readonly NodeId[]): void {
    this.varint(list.length);
    for (const id of list) this.varint(id);
  }

  get written(): number {
    return this.at;
  }
}

const writeMessage = (writer: FrameWriter, message: Message, layout: Layout): void => {
  writer.byte(message.type);
  writer.varint(layout.fields);
  writer.varint(message.group);
  writer.varint(message.term);
  if (message.index !== undefined) writer.varint(message.index);
  if (message.logTerm !== undefined) writer.varint(message.logTerm);
  if (message.commit !== undefined) writer.varint(message.commit);
  if (message.leaderCommit !== undefined) writer.varint(layout.leaderCommit);
  if (message.reject !== undefined) writer.byte(message.reject ? 1 : 0);
  if (message.rejectHint !== undefined) writer.varint(message.rejectHint);
  if (message.hintTerm !== undefined) writer.varint(message.hintTerm);
  if (message.offset !== undefined) writer.varint(message.offset);
  if (message.context !== undefined) writer.bytes(message.context);
  if (message.transfer !== undefined) writer.byte(message.transfer ? 1 : 0);
  const entries = message.entries;
  if (entries !== undefined) {
    writer.varint(entries.length);
    entries.forEach((entry, at) => {
      const change = layout.change[at];
      writer.varint(entry.index);
      writer.varint(entry.term);
      writer.byte(entry.type);
      writer.byte(change === undefined ? 0 : ENTRY_HAS_CHANGE);
      writer.bytes(entry.data);
      if (change !== undefined) writer.bytes(change);
    });
  }
  const chunk = message.snapshot;
  if (chunk !== undefined) {
    writer.varint(chunk.meta.index);
    writer.varint(chunk.meta.term);
    const { conf } = chunk.meta;
    for (const list of [conf.voters, conf.votersOutgoing, conf.learners, conf.learnersNext]) writer.ids(list);
    writer.varint(chunk.offset);
    writer.byte(chunk.done ? 1 : 0);
    writer.bytes(chunk.data);
  }
};

/** One peer's batch as a binary Raft frame. Throws RangeError on a number no message may hold (a host bug). */
export const encodeRaftFrame = (messages: readonly Message[]): Uint8Array => {
  const layouts = messages.map(layoutOf);
  let bytes = 1 + varintBytes(messages.length);
  messages.forEach((message, at) => {
    bytes += messageBytes(message, layouts[at] as Layout);
  });
  const writer = new FrameWriter(bytes);
  writer.byte(RAFT_FRAME_TAG);
  writer.varint(messages.length);
  messages.forEach((message, at) => writeMessage(writer, message, layouts[at] as Layout));
  if (writer.written !== bytes) throw new Error(`raft frame sized ${bytes} bytes but ${writer.written} were written`);
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
      if (next < 0x80) break;
      scale *= 0x80;
      if (scale > Number.MAX_SAFE_INTEGER) throw new ProtocolError(`raft frame holds an overlong number for ${what}`);
    }
    if (!Number.isSafeInteger(value)) throw new ProtocolError(`raft frame holds a number beyond 2^53 for ${what}`);
    return value;
  }

  /** A view into the frame, not a copy. */
  bytesField(what: string): Uint8Array {
    const length = this.varint(`${what} length`);
    if (length > this.bytes.byteLength - this.at) throw new ProtocolError(`raft frame ends inside ${what}`);
    const view = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return view;
  }

  ids(what: string): NodeId[] {
    const count = this.varint(`${what} count`);
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
  if ((fields & ~ALL_FIELDS) !== 0 || ((fields & Field.LEADER_COMMIT_AHEAD) !== 0 && (fields & (Field.LEADER_COMMIT | Field.COMMIT)) !== (Field.LEADER_COMMIT | Field.COMMIT))) {
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
    message.leaderCommit = (fields & Field.LEADER_COMMIT_AHEAD) !== 0 ? (message.commit as number) + value : value;
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
 * The messages of a binary Raft frame that travelled from `from` to `to`. Byte fields are views
 * into `payload` (no copy): whoever keeps one keeps the whole frame's memory alive.
 */
export const decodeRaftMessages = (payload: Uint8Array, from: NodeId, to: NodeId): Message[] => {
  const reader = new FrameReader(payload);
  if (reader.byte('tag') !== RAFT_FRAME_TAG) throw new ProtocolError('not a binary raft frame');
  const count = reader.varint('message count');
  // Each message takes at least four bytes: a bound before allocating for a forged count.
  if (count * 4 > reader.remaining) throw new ProtocolError(`raft frame claims ${count} messages in ${reader.remaining} bytes`);
  const messages: Message[] = [];
  for (let i = 0; i < count; i++) messages.push(readMessage(reader, from, to));
  if (!reader.done) throw new ProtocolError(`raft frame has ${reader.remaining} bytes after its last message`);
  return messages;
};
