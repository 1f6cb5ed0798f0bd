// The placement driver's commands and state as bytes: plain CBOR maps (no shared structures,
// so any replica decodes any entry or snapshot alone), hash range bounds as decimal strings
// (exact for 64-bit values whatever the decoder does with large integers), and a format
// version on the state. Decoding checks every field: a malformed entry is a broken invariant.
import { Encoder } from 'cbor-x';
import { groupId, nodeId } from '@flotilla/raft';
import type { ConfState, NodeId } from '@flotilla/raft';
import type { HashRange } from '@flotilla/storage';
import type { NodeRecord, NodeState, ShardRecord } from './cluster-map.js';
import type { Operator, OperatorDraft } from './operator.js';
import type { PlacementCommand } from './placement-command.js';
import { PlacementState } from './placement-state.js';
import type { ShardEpoch } from './shard-epoch.js';

const codec = new Encoder({ useRecords: false, mapsAsObjects: true });
const STATE_FORMAT_VERSION = 1;
const NODE_STATES: readonly NodeState[] = ['up', 'down', 'draining', 'removed'];

export class PlacementDecodeError extends Error {
  constructor(message: string) {
    super(`placement: ${message}`);
    this.name = 'PlacementDecodeError';
  }
}

type Fields = Record<string, unknown>;

const fieldsOf = (value: unknown, what: string): Fields => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PlacementDecodeError(`${what} is not a map`);
  return value as Fields;
};
const text = (fields: Fields, name: string): string => {
  const value = fields[name];
  if (typeof value !== 'string') throw new PlacementDecodeError(`${name} is not text`);
  return value;
};
const count = (fields: Fields, name: string): number => {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) throw new PlacementDecodeError(`${name} is not a whole number`);
  return value;
};
const listOf = <T>(fields: Fields, name: string, read: (item: unknown) => T): T[] => {
  const value = fields[name];
  if (!Array.isArray(value)) throw new PlacementDecodeError(`${name} is not a list`);
  return value.map(read);
};
const idOf = (value: unknown): NodeId => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new PlacementDecodeError(`node id ${String(value)} is not a positive whole number`);
  return nodeId(value);
};
const choice = <T extends string>(fields: Fields, name: string, choices: readonly T[]): T => {
  const value = text(fields, name);
  const found = choices.find((candidate) => candidate === value);
  if (found === undefined) throw new PlacementDecodeError(`${name} "${value}" is not one of ${choices.join(', ')}`);
  return found;
};

const encodeRange = (range: HashRange): Fields => ({ start: range.start.toString(), end: range.end.toString() });
const decodeRange = (value: unknown): HashRange => {
  const fields = fieldsOf(value, 'range');
  const bound = (name: string): bigint => {
    const digits = text(fields, name);
    if (!/^(0|[1-9][0-9]*)$/.test(digits)) throw new PlacementDecodeError(`range ${name} "${digits}" is not a whole number`);
    return BigInt(digits);
  };
  return { start: bound('start'), end: bound('end') };
};
const decodeConf = (value: unknown): ConfState => {
  const fields = fieldsOf(value, 'conf');
  return {
    voters: listOf(fields, 'voters', idOf),
    votersOutgoing: listOf(fields, 'votersOutgoing', idOf),
    learners: listOf(fields, 'learners', idOf),
    learnersNext: listOf(fields, 'learnersNext', idOf),
  };
};
const decodeEpoch = (value: unknown): ShardEpoch => {
  const fields = fieldsOf(value, 'epoch');
  return { confVersion: count(fields, 'confVersion'), rangeVersion: count(fields, 'rangeVersion') };
};
const decodeDraft = (value: unknown): OperatorDraft => {
  const fields = fieldsOf(value, 'operator');
  const shard = groupId(count(fields, 'shard'));
  const reason = text(fields, 'reason');
  const kind = choice(fields, 'kind', ['add-replica', 'move-replica', 'remove-replica', 'transfer-leader'] as const);
  switch (kind) {
    case 'add-replica':
    case 'transfer-leader':
      return { kind, shard, reason, to: idOf(fields['to']) };
    case 'move-replica':
      return { kind, shard, reason, from: idOf(fields['from']), to: idOf(fields['to']) };
    case 'remove-replica':
      return { kind, shard, reason, from: idOf(fields['from']) };
  }
};
const decodeOperator = (value: unknown): Operator => ({ ...decodeDraft(value), id: count(fieldsOf(value, 'operator'), 'id') });

export const encodePlacementCommand = (command: PlacementCommand): Uint8Array =>
  codec.encode(command.op === 'create-shard' ? { ...command, range: encodeRange(command.range) } : command);

export function decodePlacementCommand(bytes: Uint8Array): PlacementCommand {
  const fields = fieldsOf(codec.decode(bytes), 'command');
  const op = choice(fields, 'op', ['register-node', 'set-node-state', 'create-shard', 'report-shard', 'start-operator', 'end-operator'] as const);
  switch (op) {
    case 'register-node':
      return { op, requestedId: count(fields, 'requestedId'), peerAddress: text(fields, 'peerAddress'), clientUrl: text(fields, 'clientUrl') };
    case 'set-node-state':
      return { op, node: idOf(fields['node']), state: choice(fields, 'state', NODE_STATES) };
    case 'create-shard':
      return { op, range: decodeRange(fields['range']), voters: listOf(fields, 'voters', idOf) };
    case 'report-shard':
      return { op, shard: groupId(count(fields, 'shard')), epoch: decodeEpoch(fields['epoch']), conf: decodeConf(fields['conf']) };
    case 'start-operator':
      return { op, draft: decodeDraft(fields['draft']) };
    case 'end-operator':
      return { op, shard: groupId(count(fields, 'shard')), operatorId: count(fields, 'operatorId'), outcome: choice(fields, 'outcome', ['done', 'cancelled'] as const) };
  }
}

export const encodePlacementState = (state: PlacementState): Uint8Array =>
  codec.encode({
    version: STATE_FORMAT_VERSION,
    nodes: [...state.nodes.values()],
    shards: [...state.shards.values()].map((shard) => ({ ...shard, range: encodeRange(shard.range) })),
    operators: [...state.operators.values()],
    ids: state.ids,
  });

export function decodePlacementState(bytes: Uint8Array): PlacementState {
  const fields = fieldsOf(codec.decode(bytes), 'state');
  const version = count(fields, 'version');
  if (version !== STATE_FORMAT_VERSION) throw new PlacementDecodeError(`state format ${version} is not ${STATE_FORMAT_VERSION}`);
  const nodes = listOf(fields, 'nodes', (value): NodeRecord => {
    const node = fieldsOf(value, 'node');
    return { id: idOf(node['id']), peerAddress: text(node, 'peerAddress'), clientUrl: text(node, 'clientUrl'), state: choice(node, 'state', NODE_STATES) };
  });
  const shards = listOf(fields, 'shards', (value): ShardRecord => {
    const shard = fieldsOf(value, 'shard');
    return { id: groupId(count(shard, 'id')), range: decodeRange(shard['range']), epoch: decodeEpoch(shard['epoch']), conf: decodeConf(shard['conf']) };
  });
  const ids = fieldsOf(fields['ids'], 'ids');
  return PlacementState.from(nodes, shards, listOf(fields, 'operators', decodeOperator), {
    nextNode: count(ids, 'nextNode'),
    nextShard: count(ids, 'nextShard'),
    nextOperator: count(ids, 'nextOperator'),
  });
}
