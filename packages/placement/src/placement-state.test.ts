import { describe, expect, it } from 'vitest';
import { groupId, nodeId } from '@flotilla/raft';
import { HASH_SPACE_END } from '@flotilla/storage';
import { decodePlacementCommand, decodePlacementState, encodePlacementCommand, encodePlacementState, PlacementDecodeError } from './placement-codec.js';
import type { PlacementCommand, PlacementResult } from './placement-command.js';
import { PlacementState } from './placement-state.js';

const n = nodeId;
const g = groupId;

/** Applies through the codec, as every replica of the PD group does. */
const applyAll = (state: PlacementState, commands: readonly PlacementCommand[]): PlacementResult[] =>
  commands.map((command) => state.apply(decodePlacementCommand(encodePlacementCommand(command))));

const register = (requestedId: number, port: number): PlacementCommand => ({
  op: 'register-node',
  requestedId,
  peerAddress: `127.0.0.1:${port}`,
  clientUrl: `http://127.0.0.1:${port - 100}`,
});

const threeNodesOneShard = (): PlacementState => {
  const state = new PlacementState();
  applyAll(state, [register(0, 7101), register(0, 7102), register(0, 7103), { op: 'create-shard', range: { start: 0n, end: HASH_SPACE_END }, voters: [n(1), n(2), n(3)] }]);
  return state;
};

describe('the placement state machine', () => {
  it('gives joining nodes the next free id, the same id again to a node that registers twice, and refuses a taken id', () => {
    const state = new PlacementState();
    const results = applyAll(state, [register(0, 7101), register(0, 7102), register(0, 7101), register(7, 7107), register(0, 7108), register(2, 7199)]);
    expect(results.slice(0, 5)).toEqual([1, 2, 1, 7, 8].map((id) => ({ kind: 'node-registered', node: n(id) })));
    expect(results[5]).toMatchObject({ kind: 'refused', code: 'node_id_taken' });
  });

  it('moves nodes only along allowed state changes, and removes only an emptied node', () => {
    const state = threeNodesOneShard();
    applyAll(state, [register(0, 7104)]);
    expect(applyAll(state, [{ op: 'set-node-state', node: n(4), state: 'removed' }])[0]).toMatchObject({ code: 'bad_transition' });
    expect(applyAll(state, [{ op: 'set-node-state', node: n(1), state: 'draining' }])[0]).toEqual({ kind: 'ok' });
    expect(applyAll(state, [{ op: 'set-node-state', node: n(1), state: 'removed' }])[0]).toMatchObject({ code: 'bad_transition', message: expect.stringContaining('drain it first') });
    expect(applyAll(state, [{ op: 'set-node-state', node: n(4), state: 'draining' }, { op: 'set-node-state', node: n(4), state: 'removed' }])).toEqual([{ kind: 'ok' }, { kind: 'ok' }]);
    expect(applyAll(state, [{ op: 'set-node-state', node: n(4), state: 'up' }])[0]).toMatchObject({ code: 'bad_transition' });
    expect(applyAll(state, [register(4, 7104)])[0]).toMatchObject({ code: 'node_id_taken' });
    expect(applyAll(state, [{ op: 'set-node-state', node: n(9), state: 'down' }])[0]).toMatchObject({ code: 'unknown_node' });
  });

  it('takes a shard report only when its epoch is not older than the map', () => {
    const state = threeNodesOneShard();
    const conf = { voters: [n(1), n(2), n(4)], votersOutgoing: [], learners: [], learnersNext: [] };
    expect(applyAll(state, [{ op: 'report-shard', shard: g(1), epoch: { confVersion: 3, rangeVersion: 1 }, conf }])[0]).toEqual({ kind: 'ok' });
    const older = { voters: [n(1), n(2), n(3)], votersOutgoing: [], learners: [], learnersNext: [] };
    expect(applyAll(state, [{ op: 'report-shard', shard: g(1), epoch: { confVersion: 2, rangeVersion: 2 }, conf: older }])[0]).toMatchObject({ code: 'stale_epoch' });
    expect(state.shards.get(g(1))?.conf).toEqual(conf);
    expect(applyAll(state, [{ op: 'report-shard', shard: g(5), epoch: { confVersion: 9, rangeVersion: 9 }, conf }])[0]).toMatchObject({ code: 'unknown_shard' });
  });

  it('runs one operator per shard, checks it against the map, and ends it by id', () => {
    const state = threeNodesOneShard();
    applyAll(state, [register(0, 7104)]);
    const [started] = applyAll(state, [{ op: 'start-operator', draft: { kind: 'move-replica', shard: g(1), from: n(1), to: n(4), reason: 'test' } }]);
    expect(started).toEqual({ kind: 'operator-started', operator: { kind: 'move-replica', shard: g(1), from: n(1), to: n(4), reason: 'test', id: 1 } });
    expect(applyAll(state, [{ op: 'start-operator', draft: { kind: 'transfer-leader', shard: g(1), to: n(2), reason: 'test' } }])[0]).toMatchObject({ code: 'operator_in_flight' });
    expect(applyAll(state, [{ op: 'end-operator', shard: g(1), operatorId: 2, outcome: 'done' }])[0]).toMatchObject({ code: 'unknown_operator' });
    expect(applyAll(state, [{ op: 'end-operator', shard: g(1), operatorId: 1, outcome: 'done' }])[0]).toEqual({ kind: 'ok' });
    for (const [draft, why] of [
      [{ kind: 'add-replica', shard: g(1), to: n(2), reason: 'x' }, 'already holds a replica'],
      [{ kind: 'add-replica', shard: g(1), to: n(9), reason: 'x' }, 'node 9 is not up'],
      [{ kind: 'move-replica', shard: g(1), from: n(4), to: n(4), reason: 'x' }, 'holds no voter'],
      [{ kind: 'remove-replica', shard: g(1), from: n(4), reason: 'x' }, 'holds no replica'],
      [{ kind: 'transfer-leader', shard: g(1), to: n(4), reason: 'x' }, 'not a voter'],
    ] as const) {
      expect(applyAll(state, [{ op: 'start-operator', draft }])[0]).toMatchObject({ code: 'invalid_operator', message: expect.stringContaining(why) });
    }
    // Operator ids keep growing after refusals and ends.
    expect(applyAll(state, [{ op: 'start-operator', draft: { kind: 'transfer-leader', shard: g(1), to: n(2), reason: 'x' } }])[0]).toMatchObject({ operator: { id: 2 } });
  });

  it('refuses a shard that overlaps another or has no distinct up voters', () => {
    const state = threeNodesOneShard();
    expect(applyAll(state, [{ op: 'create-shard', range: { start: 5n, end: 9n }, voters: [n(1)] }])[0]).toMatchObject({ message: expect.stringContaining('overlaps shard 1') });
    const fresh = new PlacementState();
    applyAll(fresh, [register(0, 7101)]);
    expect(applyAll(fresh, [{ op: 'create-shard', range: { start: 0n, end: 10n }, voters: [n(1), n(1)] }])[0]).toMatchObject({ message: expect.stringContaining('distinct') });
    expect(applyAll(fresh, [{ op: 'create-shard', range: { start: 0n, end: 10n }, voters: [n(2)] }])[0]).toMatchObject({ code: 'unknown_node' });
    expect(applyAll(fresh, [{ op: 'create-shard', range: { start: 10n, end: 10n }, voters: [n(1)] }])[0]).toMatchObject({ code: 'invalid_operator' });
  });

  it('round-trips through its encoded state, 64-bit range bounds and all, and refuses a damaged one', () => {
    const state = threeNodesOneShard();
    applyAll(state, [
      register(0, 7104),
      { op: 'set-node-state', node: n(2), state: 'down' },
      { op: 'start-operator', draft: { kind: 'add-replica', shard: g(1), to: n(4), reason: 'short of voters' } },
    ]);
    const copy = decodePlacementState(encodePlacementState(state));
    expect([...copy.nodes.values()]).toEqual([...state.nodes.values()]);
    expect([...copy.shards.values()]).toEqual([...state.shards.values()]);
    expect(copy.shards.get(g(1))?.range.end).toBe(HASH_SPACE_END);
    expect([...copy.operators.values()]).toEqual([...state.operators.values()]);
    expect(copy.ids).toEqual(state.ids);
    expect(encodePlacementState(copy)).toEqual(encodePlacementState(state));
    expect(() => decodePlacementState(new Uint8Array([0xa1, 0x61, 0x78, 0x01]))).toThrow(PlacementDecodeError);
    expect(() => decodePlacementCommand(encodePlacementCommand({ op: 'set-node-state', node: n(1), state: 'up' }).map((byte) => (byte === 0x75 ? 0x76 : byte)))).toThrow(PlacementDecodeError);
  });
});
