import { nodeId, groupId } from '@flotilla/raft';
import type { GroupId, NodeId } from '@flotilla/raft';
import { HASH_SPACE_END } from '@flotilla/storage';
import type { HashRange } from '@flotilla/storage';
import type { ClusterMap, NodeRecord, NodeState, ShardRecord } from './cluster-map.js';
import type { Operator, OperatorDraft } from './operator.js';
import type { PlacementCommand, PlacementRefusal, PlacementResult } from './placement-command.js';
import { INITIAL_EPOCH, isNotOlder } from './shard-epoch.js';

/** Which node states may follow which; `removed` is final. */
const TRANSITIONS: Readonly<Record<NodeState, readonly NodeState[]>> = {
  up: ['down', 'draining'],
  down: ['up', 'draining'],
  draining: ['up', 'removed'],
  removed: [],
};

const OK: PlacementResult = { kind: 'ok' };
const refuse = (code: PlacementRefusal, message: string): PlacementResult => ({ kind: 'refused', code, message });

/** The next ids to hand out; they only grow, so an id is never given twice. */
export interface IdAllocators {
  readonly nextNode: number;
  readonly nextShard: number;
  readonly nextOperator: number;
}

/**
 * The placement driver's replicated state machine: the cluster map, changed only by applying
 * commands in log order. Deterministic: it reads no clock and no configuration of its own, so
 * every replica of the PD group computes the same map and the same results.
 */
export class PlacementState implements ClusterMap {
  readonly #nodes = new Map<NodeId, NodeRecord>();
  readonly #shards = new Map<GroupId, ShardRecord>();
  readonly #operators = new Map<GroupId, Operator>();
  #ids: IdAllocators = { nextNode: 1, nextShard: 1, nextOperator: 1 };

  get nodes(): ReadonlyMap<NodeId, NodeRecord> {
    return this.#nodes;
  }

  get shards(): ReadonlyMap<GroupId, ShardRecord> {
    return this.#shards;
  }

  get operators(): ReadonlyMap<GroupId, Operator> {
    return this.#operators;
  }

  get ids(): IdAllocators {
    return this.#ids;
  }

  /** A state with these contents (a decoded snapshot); checked as thoroughly as applied commands. */
  static from(nodes: readonly NodeRecord[], shards: readonly ShardRecord[], operators: readonly Operator[], ids: IdAllocators): PlacementState {
    const state = new PlacementState();
    for (const node of nodes) state.#nodes.set(node.id, node);
    for (const shard of shards) state.#shards.set(shard.id, shard);
    for (const operator of operators) state.#operators.set(operator.shard, operator);
    const maxId = (ids: Iterable<number>): number => Math.max(0, ...ids);
    if (ids.nextNode <= maxId(state.#nodes.keys()) || ids.nextShard <= maxId(state.#shards.keys()) || ids.nextOperator <= maxId([...state.#operators.values()].map((o) => o.id))) {
      throw new RangeError('placement state: an id allocator is behind an id in use');
    }
    state.#ids = ids;
    return state;
  }

  apply(command: PlacementCommand): PlacementResult {
    switch (command.op) {
      case 'register-node':
        return this.#registerNode(command.requestedId, command.peerAddress, command.clientUrl);
      case 'set-node-state':
        return this.#setNodeState(command.node, command.state);
      case 'create-shard':
        return this.#createShard(command.range, command.voters);
      case 'report-shard': {
        const shard = this.#shards.get(command.shard);
        if (shard === undefined) return refuse('unknown_shard', `no shard ${command.shard}`);
        if (!isNotOlder(command.epoch, shard.epoch)) {
          return refuse('stale_epoch', `shard ${command.shard} is at epoch ${describeEpoch(shard)}; the report is older`);
        }
        this.#shards.set(shard.id, { ...shard, epoch: command.epoch, conf: command.conf });
        return OK;
      }
      case 'start-operator':
        return this.#startOperator(command.draft);
      case 'end-operator': {
        const operator = this.#operators.get(command.shard);
        if (operator?.id !== command.operatorId) return refuse('unknown_operator', `shard ${command.shard} runs no operator ${command.operatorId}`);
        this.#operators.delete(command.shard);
        return OK;
      }
    }
  }

  #registerNode(requestedId: number, peerAddress: string, clientUrl: string): PlacementResult {
    if (requestedId === 0) {
      // A node that registers again (it restarted before hearing its id) gets the same id.
      for (const node of this.#nodes.values()) {
        if (node.peerAddress === peerAddress && node.state !== 'removed') return { kind: 'node-registered', node: node.id };
      }
      const id = nodeId(this.#ids.nextNode);
      this.#ids = { ...this.#ids, nextNode: this.#ids.nextNode + 1 };
      this.#nodes.set(id, { id, peerAddress, clientUrl, state: 'up' });
      return { kind: 'node-registered', node: id };
    }
    const id = nodeId(requestedId);
    const existing = this.#nodes.get(id);
    if (existing !== undefined) {
      if (existing.state === 'removed') return refuse('node_id_taken', `node ${id} was removed from the cluster; a new node needs a new id`);
      if (existing.peerAddress !== peerAddress) return refuse('node_id_taken', `node ${id} is already registered at ${existing.peerAddress}`);
      this.#nodes.set(id, { ...existing, clientUrl });
      return { kind: 'node-registered', node: id };
    }
    this.#nodes.set(id, { id, peerAddress, clientUrl, state: 'up' });
    if (requestedId >= this.#ids.nextNode) this.#ids = { ...this.#ids, nextNode: requestedId + 1 };
    return { kind: 'node-registered', node: id };
  }

  #setNodeState(id: NodeId, state: NodeState): PlacementResult {
    const node = this.#nodes.get(id);
    if (node === undefined) return refuse('unknown_node', `no node ${id}`);
    if (node.state === state) return OK;
    if (!TRANSITIONS[node.state].includes(state)) return refuse('bad_transition', `node ${id} cannot go from ${node.state} to ${state}`);
    if (state === 'removed') {
      const holding = [...this.#shards.values()].filter((shard) => isMemberOf(shard, id)).map((shard) => shard.id);
      if (holding.length > 0) return refuse('bad_transition', `node ${id} still holds replicas of shards ${holding.join(', ')}; drain it first`);
    }
    this.#nodes.set(id, { ...node, state });
    return OK;
  }

  #createShard(range: HashRange, voters: readonly NodeId[]): PlacementResult {
    if (!(range.start >= 0n && range.start < range.end && range.end <= HASH_SPACE_END)) return refuse('invalid_operator', 'the shard range is not a valid hash range');
    for (const shard of this.#shards.values()) {
      if (range.start < shard.range.end && shard.range.start < range.end) return refuse('invalid_operator', `the range overlaps shard ${shard.id}`);
    }
    if (voters.length === 0 || new Set(voters).size !== voters.length) return refuse('invalid_operator', 'a shard needs distinct voters');
    const unknown = voters.find((voter) => this.#nodes.get(voter)?.state !== 'up');
    if (unknown !== undefined) return refuse('unknown_node', `node ${unknown} is not an up node of the cluster`);
    const id = groupId(this.#ids.nextShard);
    this.#ids = { ...this.#ids, nextShard: this.#ids.nextShard + 1 };
    this.#shards.set(id, { id, range, epoch: INITIAL_EPOCH, conf: { voters: [...voters], votersOutgoing: [], learners: [], learnersNext: [] } });
    return { kind: 'shard-created', shard: id };
  }

  #startOperator(draft: OperatorDraft): PlacementResult {
    const shard = this.#shards.get(draft.shard);
    if (shard === undefined) return refuse('unknown_shard', `no shard ${draft.shard}`);
    const running = this.#operators.get(draft.shard);
    if (running !== undefined) return refuse('operator_in_flight', `shard ${draft.shard} is already changing (operator ${running.id}); one change at a time`);
    const invalid = this.#checkDraft(draft, shard);
    if (invalid !== undefined) return refuse('invalid_operator', invalid);
    const operator: Operator = { ...draft, id: this.#ids.nextOperator };
    this.#ids = { ...this.#ids, nextOperator: this.#ids.nextOperator + 1 };
    this.#operators.set(draft.shard, operator);
    return { kind: 'operator-started', operator };
  }

  /** Why the draft cannot run on this shard, or undefined if it can. */
  #checkDraft(draft: OperatorDraft, shard: ShardRecord): string | undefined {
    const upNode = (id: NodeId): string | undefined => (this.#nodes.get(id)?.state === 'up' ? undefined : `node ${id} is not up`);
    switch (draft.kind) {
      case 'add-replica':
        return isMemberOf(shard, draft.to) ? `node ${draft.to} already holds a replica` : upNode(draft.to);
      case 'move-replica':
        if (!shard.conf.voters.includes(draft.from)) return `node ${draft.from} holds no voter of shard ${shard.id}`;
        return isMemberOf(shard, draft.to) ? `node ${draft.to} already holds a replica` : upNode(draft.to);
      case 'remove-replica':
        if (!isMemberOf(shard, draft.from)) return `node ${draft.from} holds no replica of shard ${shard.id}`;
        return shard.conf.voters.length === 1 && shard.conf.voters[0] === draft.from ? 'the last voter cannot be removed' : undefined;
      case 'transfer-leader':
        return shard.conf.voters.includes(draft.to) ? upNode(draft.to) : `node ${draft.to} is not a voter of shard ${shard.id}`;
    }
  }
}

const isMemberOf = (shard: ShardRecord, node: NodeId): boolean =>
  shard.conf.voters.includes(node) || shard.conf.votersOutgoing.includes(node) || shard.conf.learners.includes(node) || shard.conf.learnersNext.includes(node);

const describeEpoch = (shard: ShardRecord): string => `conf ${shard.epoch.confVersion}, range ${shard.epoch.rangeVersion}`;
