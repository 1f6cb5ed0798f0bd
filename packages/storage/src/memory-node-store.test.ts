import { describe, expect, it } from 'vitest';
import type { GroupId, HardState, NodeId } from '@flotilla/raft';
import { describeNodeStoreConformance } from './testing/conformance.js';
import { FULL_HASH_RANGE } from './hash-range.js';
import { MemoryEngine } from './memory-engine.js';
import { MemoryNodeStore, MemoryVolume } from './memory-node-store.js';

describeNodeStoreConformance('MemoryNodeStore', async () => {
  const volume = new MemoryVolume();
  return { open: (options) => MemoryNodeStore.open(volume, options), cleanup: async () => undefined };
});

const group = 1 as GroupId;
const hardState = (term: number): HardState => ({ term, vote: 2 as NodeId, commit: 0 });
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

async function termAfterReopen(volume: MemoryVolume): Promise<number | undefined> {
  const store = await MemoryNodeStore.open(volume);
  try {
    return (await store.loadGroup(group))?.hardState.term;
  } finally {
    await store.close();
  }
}

/** Settles every microtask and the turn after: what has not resolved by then waits on something. */
const pending = async (promise: Promise<unknown>): Promise<boolean> => {
  let settled = false;
  void promise.then(() => (settled = true));
  await new Promise((resolve) => setImmediate(resolve));
  return !settled;
};

describe('MemoryVolume power loss', () => {
  it('keeps synced writes and the unsynced ones before them, and loses the rest', async () => {
    const volume = new MemoryVolume();
    const store = await MemoryNodeStore.open(volume);
    await store.writeBatch(store.newBatch().setHardState(group, hardState(1)), { sync: false });
    await store.writeBatch(store.newBatch().setNodeMeta({ nodeId: 1 as NodeId, clusterId: 'c' }), { sync: true });
    await store.writeBatch(store.newBatch().setHardState(group, hardState(2)), { sync: false });
    expect((await store.loadGroup(group))?.hardState.term).toBe(2);

    volume.crash(() => true);
    expect(await termAfterReopen(volume)).toBe(1);
  });

  it('answers a held sync only when it lands, and a crash decides whether it had landed', async () => {
    for (const landed of [true, false]) {
      const volume = new MemoryVolume();
      const store = await MemoryNodeStore.open(volume);
      volume.syncs.holding = true;
      await store.writeBatch(store.newBatch().setHardState(group, hardState(1)), { sync: false });
      const write = store.writeBatch(store.newBatch().setHardState(group, hardState(2)), { sync: true });
      expect(await pending(write)).toBe(true);
      expect(volume.syncs.heldCount).toBe(1);

      volume.crash(() => landed);
      expect(await pending(write), 'a crashed process hears nothing').toBe(true);
      volume.syncs.holding = false;
      expect(await termAfterReopen(volume)).toBe(landed ? 2 : undefined);
    }
  });

  it('lets a landed sync cover every write before it, whatever became of the earlier syncs', async () => {
    const put = (key: string) => [{ type: 'put' as const, key: bytes(key), value: bytes(key) }];
    const keysAfterCrash = async (landed: boolean[]): Promise<(Uint8Array | undefined)[]> => {
      const volume = new MemoryVolume();
      const engine = new MemoryEngine(volume.disk);
      volume.syncs.holding = true;
      const writes = [engine.write(put('a'), { sync: true }), engine.write(put('b'), { sync: true })];
      await volume.syncs.whenHeld();
      expect(volume.syncs.heldCount).toBe(2);
      volume.crash(() => landed.shift() ?? false);
      for (const write of writes) expect(await pending(write)).toBe(true);
      return new MemoryEngine(volume.disk).getMany([bytes('a'), bytes('b')]);
    };
    expect(await keysAfterCrash([false, true])).toEqual([bytes('a'), bytes('b')]);
    expect(await keysAfterCrash([true, false])).toEqual([bytes('a'), undefined]);
    expect(await keysAfterCrash([false, false])).toEqual([undefined, undefined]);
  });

  it('writes one batch at a time: a batch waits for the held sync of the one before', async () => {
    const volume = new MemoryVolume();
    const store = await MemoryNodeStore.open(volume);
    volume.syncs.holding = true;
    const first = store.writeBatch(store.newBatch().setHardState(group, hardState(1)), { sync: true });
    const second = store.writeBatch(store.newBatch().setHardState(group, hardState(2)), { sync: false });
    await volume.syncs.whenHeld();
    expect(await pending(second)).toBe(true);
    expect((await store.loadGroup(group))?.hardState.term).toBe(1);
    volume.syncs.landAll();
    await Promise.all([first, second]);
    expect((await store.loadGroup(group))?.hardState.term).toBe(2);
  });

  it('makes appended blob bytes durable only once their sync lands', async () => {
    const volume = new MemoryVolume();
    const appender = await volume.blobs.create('staged');
    await appender.append(bytes('abc'));
    await appender.sync();
    await appender.append(bytes('def'));
    volume.crash(() => true);
    const reader = volume.blobs.openReader('staged');
    expect(new TextDecoder().decode(reader.read(0, 100))).toBe('abc');
    await expect(appender.append(bytes('g'))).rejects.toThrow(/power loss/);
  });

  it('finishes an install cut short by a power loss from its synced staging file', async () => {
    const source = await MemoryNodeStore.open();
    const meta = { index: 9, term: 2, conf: { voters: [1 as NodeId], votersOutgoing: [], learners: [], learnersNext: [] } };
    const file = await source.createSnapshot(group, FULL_HASH_RANGE, meta, bytes('state'));
    const { data } = file.readChunk(0, file.size);
    const volume = new MemoryVolume();
    const target = await MemoryNodeStore.open(volume, {
      crashPoint: (point) => {
        if (point === 'install:cleared') throw new Error('power loss');
      },
    });
    await target.stageSnapshotChunk(group, { meta, offset: 0, data, done: true });
    await expect(target.installSnapshot(group, meta, FULL_HASH_RANGE)).rejects.toThrow(/power loss/);
    volume.crash(() => false);
    const recovered = await MemoryNodeStore.open(volume);
    expect((await recovered.loadGroup(group))?.applyState).toEqual({ appliedIndex: 9, appliedTerm: 2, stateMachine: bytes('state') });
    await Promise.all([file.release(), source.close(), recovered.close()]);
  });

  it('fences off the engine of the process that lost power', async () => {
    const volume = new MemoryVolume();
    const engine = new MemoryEngine(volume.disk);
    await engine.write([{ type: 'put', key: bytes('k'), value: bytes('v') }], { sync: true });
    volume.crash(() => false);
    await expect(engine.get(bytes('k'))).rejects.toThrow(/power loss/);
    expect(await new MemoryEngine(volume.disk).get(bytes('k'))).toEqual(bytes('v'));
  });

  it('refuses to open its sync gate while syncs are held', async () => {
    const volume = new MemoryVolume();
    const store = await MemoryNodeStore.open(volume);
    volume.syncs.holding = true;
    const write = store.writeBatch(store.newBatch().setHardState(group, hardState(1)), { sync: true });
    await volume.syncs.whenHeld();
    expect(() => (volume.syncs.holding = false)).toThrow(/held/);
    volume.syncs.landAll();
    await write;
    volume.syncs.holding = false;
    expect(await termAfterReopen(volume)).toBe(1);
  });
});
