import { FlotillaError } from './errors.js';
import type { DeleteResult, GroupStatus, KeyValue, NodeStatus, PutResult, RaftRole, ScanResult } from './types.js';

// The server's JSON answers, checked field by field: a server of another version that sends
// something else is reported as such, not passed on as undefined fields.

type JsonObject = Readonly<Record<string, unknown>>;

const utf8Text = new TextDecoder();
const utf8 = new TextEncoder();
const ROLES: readonly RaftRole[] = ['follower', 'pre_candidate', 'candidate', 'leader'];

const badResponse = (what: string, endpoint: string): FlotillaError =>
  new FlotillaError(`${endpoint}: unexpected answer: ${what}`, { code: 'bad_response', endpoint });

/** Reads one answer's JSON; each accessor names the field it found wanting. */
class JsonReader {
  constructor(readonly endpoint: string) {}

  parse(body: Uint8Array): JsonObject {
    let parsed: unknown;
    try {
      parsed = JSON.parse(utf8Text.decode(body));
    } catch {
      throw badResponse('not JSON', this.endpoint);
    }
    return this.object(parsed, 'the body');
  }

  object(value: unknown, name: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badResponse(`${name} is not an object`, this.endpoint);
    return value as JsonObject;
  }

  array(object: JsonObject, name: string): readonly unknown[] {
    const value = object[name];
    if (!Array.isArray(value)) throw badResponse(`"${name}" is not an array`, this.endpoint);
    return value;
  }

  number(object: JsonObject, name: string): number {
    const value = object[name];
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw badResponse(`"${name}" is not an integer`, this.endpoint);
    return value;
  }

  boolean(object: JsonObject, name: string): boolean {
    const value = object[name];
    if (typeof value !== 'boolean') throw badResponse(`"${name}" is not a boolean`, this.endpoint);
    return value;
  }

  string(object: JsonObject, name: string): string {
    const value = object[name];
    if (typeof value !== 'string') throw badResponse(`"${name}" is not a string`, this.endpoint);
    return value;
  }

  /** A bytes field: UTF-8 text under `name`, or base64 under `name_base64`. */
  bytes(object: JsonObject, name: string): Uint8Array {
    if (typeof object[name] === 'string') return utf8.encode(object[name]);
    const base64 = object[`${name}_base64`];
    if (typeof base64 === 'string') return new Uint8Array(Buffer.from(base64, 'base64'));
    throw badResponse(`neither "${name}" nor "${name}_base64" is a string`, this.endpoint);
  }

  numbers(object: JsonObject, name: string): number[] {
    return this.array(object, name).map((item, index) => {
      if (typeof item !== 'number' || !Number.isSafeInteger(item)) throw badResponse(`"${name}[${index}]" is not an integer`, this.endpoint);
      return item;
    });
  }
}

const keyValue = (reader: JsonReader, object: JsonObject): KeyValue => ({
  key: reader.bytes(object, 'key'),
  value: reader.bytes(object, 'value'),
  createRevision: reader.number(object, 'create_revision'),
  modRevision: reader.number(object, 'mod_revision'),
  version: reader.number(object, 'version'),
});

/** A decoder of one answer's body: `read` picks its fields, naming the endpoint if one is wanting. */
const fromJson =
  <T>(read: (reader: JsonReader, object: JsonObject) => T) =>
  (body: Uint8Array, endpoint: string): T => {
    const reader = new JsonReader(endpoint);
    return read(reader, reader.parse(body));
  };

export const putResultFromJson = fromJson(
  (reader, object): PutResult => ({
    revision: reader.number(object, 'revision'),
    createRevision: reader.number(object, 'create_revision'),
    modRevision: reader.number(object, 'mod_revision'),
    version: reader.number(object, 'version'),
  }),
);

export const deleteResultFromJson = fromJson(
  (reader, object): DeleteResult => ({ deleted: reader.boolean(object, 'deleted'), revision: reader.number(object, 'revision') }),
);

export const scanResultFromJson = fromJson(
  (reader, object): ScanResult => ({
    items: reader.array(object, 'items').map((item, index) => keyValue(reader, reader.object(item, `items[${index}]`))),
    more: reader.boolean(object, 'more'),
  }),
);

const role = (reader: JsonReader, object: JsonObject): RaftRole => {
  const text = reader.string(object, 'role');
  const known = ROLES.find((candidate) => candidate === text);
  if (known === undefined) throw badResponse(`unknown role "${text}"`, reader.endpoint);
  return known;
};

const decimal = (reader: JsonReader, object: JsonObject, name: string): bigint => {
  const text = reader.string(object, name);
  if (!/^(0|[1-9][0-9]*)$/.test(text)) throw badResponse(`"${name}" is not a decimal integer`, reader.endpoint);
  return BigInt(text);
};

const groupStatus = (reader: JsonReader, object: JsonObject): GroupStatus => {
  const range = reader.object(object['range'], 'range');
  return {
    group: reader.number(object, 'group'),
    range: { start: decimal(reader, range, 'start'), end: decimal(reader, range, 'end') },
    role: role(reader, object),
    term: reader.number(object, 'term'),
    leader: reader.number(object, 'leader'),
    commitIndex: reader.number(object, 'commit_index'),
    appliedIndex: reader.number(object, 'applied_index'),
    firstIndex: reader.number(object, 'first_index'),
    lastIndex: reader.number(object, 'last_index'),
    snapshotIndex: reader.number(object, 'snapshot_index'),
    quiesced: reader.boolean(object, 'quiesced'),
    voters: reader.numbers(object, 'voters'),
    learners: reader.numbers(object, 'learners'),
  };
};

export const nodeStatusFromJson = fromJson(
  (reader, object): NodeStatus => ({
    node: reader.number(object, 'node'),
    groups: reader.array(object, 'groups').map((group, index) => groupStatus(reader, reader.object(group, `groups[${index}]`))),
  }),
);
