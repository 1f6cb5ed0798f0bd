import { describe, expect, it } from 'vitest';
import { nodeId } from '@flotilla/raft';
import { HASH_SPACE_END, MemoryNodeStore, MemoryVolume, StoreCorruptError } from '@flotilla/storage';
import { encodePlacementCommand } from './placement-codec.js';
import type { PlacementCommand } from './placement-command.js';
import { PlacementMachine } from './placement-machine.js';


const commands: PlacementCommand[] = [
  { op: 'register-node', requestedId: 0, peerAddress: '10.0.0.1:7101', clientUrl: 'http://10.0.0.1:7001' },
  { op: 'register-node', requestedId: 0, peerAddress: '10.0.0.2:7101', clientUrl: 'http://10.0.0.2:7001' },
  { op: 'register-node', requestedId: 0, peerAddress: '10.0.0.3:7101', clientUrl: 'http://10.0.0.3:7001' },
  { op: 'create-shard', range: { start: 0n, end: HASH_SPACE_END }, voters: [nodeId(1), nodeId(2), nodeId(3)] },
  { op: 'set-node-state', node: nodeId(3), state: 'down' },
];

const records = async function* (items: readonly { key: Uint8Array; record: Uint8Array }[]) {
  yield* items;
};

describe('the placement machine on the host', () => {
  it('applies encoded commands, writes nothing to the batch, and restores from its blob with the same digest', async () => {
    const store = await MemoryNodeStore.open(new MemoryVolume());
    const machine = new PlacementMachine();
    const batch = store.newBatch();
    const results = commands.map((command, i) => machine.applyCommand(encodePlacementCommand(command), i + 1, batch));
    expect(results.slice(0, 3).map((result) => result.kind)).toEqual(['node-registered', 'node-registered', 'node-registered']);
    expect(results[3]).toEqual({ kind: 'shard-created', shard: 1 });
    expect(batch.isEmpty).toBe(true);

    const copy = new PlacementMachine();
    await copy.restore(machine.stateBlob(), records([]));
    expect(copy.digest()).toBe(machine.digest());
    expect(copy.state.nodes.get(nodeId(3))?.state).toBe('down');

    // A replica one command behind differs.
    const behind = new PlacementMachine();
    commands.slice(0, -1).forEach((command, i) => behind.applyCommand(encodePlacementCommand(command), i + 1, batch));
    expect(behind.digest()).not.toBe(machine.digest());
  });

  it('starts empty from an empty blob, and refuses records it could not have written', async () => {
    const machine = new PlacementMachine();
    await machine.restore(new Uint8Array(0), records([]));
    expect(machine.state.nodes.size).toBe(0);
    await expect(machine.restore(new Uint8Array(0), records([{ key: new Uint8Array([1]), record: new Uint8Array([2]) }]))).rejects.toThrow(StoreCorruptError);
  });
});
