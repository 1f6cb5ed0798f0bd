// The behaviour every NodeStore must show, run against each implementation by its own test file.
import { describe, expect, it } from 'vitest';
import type { ConfState, Entry, GroupId, HardState, NodeId, SnapshotChunk, SnapshotMeta } from '@flotilla/raft';
import type { CrashPoint, NodeStoreOptions } from '../engine-node-store.js';
import { compareBytes } from '../bytes.js';
import { SnapshotCorruptError } from '../errors.js';
import { FULL_HASH_RANGE, HASH_SPACE_END, type HashRange } from '../hash-range.js';
import { logIndexOf, logRange } from '../keys.js';
import { USER_KEY_MAX_BYTES } from '../limits.js';
import type { MemoryDisk } from '../memory-engine.js';
import type { NodeStore, SnapshotFile, UserRecord } from '../node-store.js';

/** One store's home (a directory, a memory volume) that can be opened again after close. */
/** The log indexes `group` holds on a memory disk (what is written, synced or not), for tests above the store. */
export function logIndexesOn(disk: MemoryDisk, group: GroupId): number[] {
  const { gte, lt } = logRange(group, 0);
  return disk.entries.filter(([key]) => compareBytes(key, gte) >= 0 && compareBytes(key, lt) < 0).map(([key]) => logIndexOf(key));
}

export interface StoreHarness {
  open(options?: NodeStoreOptions): Promise<NodeStore>;
  cleanup(): Promise<void>;
}

const group = (id: number): GroupId => id as GroupId;
const node = (id: number): NodeId => id as NodeId;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

/** FNV-1a 64 with murmur's final mix: a stand-in for the caller's xxh64 that spreads similar keys. */
function hashOf(key: Uint8Array): bigint {
  const mask = HASH_SPACE_END - 1n;
  let hash = 0xcbf29ce484222325n;
  for (const byte of key) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & mask;
  hash = ((hash ^ (hash >> 33n)) * 0xff51afd7ed558ccdn) & mask;
  hash = ((hash ^ (hash >> 33n)) * 0xc4ceb9fe1a85ec53n) & mask;
  return hash ^ (hash >> 33n);
}

const entry = (index: number, term: number, data = `e${index}`): Entry => ({ index, term, type: 1, data: bytes(data) });
const conf: ConfState = { voters: [node(1), node(2), node(3)], votersOutgoing: [], learners: [node(4)], learnersNext: [] };
const hardState: HardState = { term: 3, vote: node(2), commit: 4 };
const thirds: HashRange[] = [
  { start: 0n, end: HASH_SPACE_END / 3n },
  { start: HASH_SPACE_END / 3n, end: (HASH_SPACE_END / 3n) * 2n },
  { start: (HASH_SPACE_END / 3n) * 2n, end: HASH_SPACE_END },
];
const middle = thirds[1] as HashRange;

async function putRecords(store: NodeStore, keys: readonly string[], valuePrefix: string): Promise<void> {
  const batch = store.newBatch();
  for (const key of keys) batch.putUserRecord(hashOf(bytes(key)), bytes(key), bytes(`${valuePrefix}:${key}`));
  await store.writeBatch(batch, { sync: false });
}

async function collect(store: NodeStore, range: HashRange): Promise<UserRecord[]> {
  const records: UserRecord[] = [];
  for await (const record of store.scanUserRecords(range)) records.push(record);
  return records;
}

const inRange = (range: HashRange, key: string): boolean => hashOf(bytes(key)) >= range.start && hashOf(bytes(key)) < range.end;

/** Cuts the file at deliberately odd, varying boundaries. */
function chunksOf(file: SnapshotFile, sizes: readonly number[]): SnapshotChunk[] {
  const chunks: SnapshotChunk[] = [];
  let offset = 0;
  for (let i = 0; ; i++) {
    const { data, done } = file.readChunk(offset, sizes[i % sizes.length] as number);
    chunks.push({ meta: file.meta, offset, data, done });
    offset += data.length;
    if (done) return chunks;
  }
}

async function stageAll(store: NodeStore, target: GroupId, chunks: readonly SnapshotChunk[]): Promise<void> {
  for (const chunk of chunks) await store.stageSnapshotChunk(target, chunk);
  await store.writeBatch(store.newBatch(), { sync: true });
}

const keysNamed = (prefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, '0')}`);

export function describeNodeStoreConformance(name: string, createHarness: () => Promise<StoreHarness>): void {
  describe(`NodeStore conformance: ${name}`, () => {
    async function withStore(run: (store: NodeStore, harness: StoreHarness) => Promise<void>): Promise<void> {
      const harness = await createHarness();
      const store = await harness.open();
      try {
        await run(store, harness);
      } finally {
        await store.close().catch(() => undefined);
        await harness.cleanup();
      }
    }

    async function reopen(store: NodeStore, harness: StoreHarness, options?: NodeStoreOptions): Promise<NodeStore> {
      await store.close();
      return harness.open(options);
    }

    it('appends, replaces a conflicting tail, and loads it all after a reopen', async () => {
      await withStore(async (first, harness) => {
        await first.writeBatch(
          first.newBatch().appendEntries(group(7), [1, 2, 3, 4, 5].map((i) => entry(i, 1)), 0).setHardState(group(7), hardState).setConfState(group(7), conf),
          { sync: true },
        );
        await first.writeBatch(first.newBatch().appendEntries(group(7), [entry(3, 2, 'x3'), entry(4, 2, 'x4')], 5), { sync: true });
        const store = await reopen(first, harness);
        try {
          const loaded = await store.loadGroup(group(7));
          expect(loaded?.entries.map((e) => [e.index, e.term, text(e.data)])).toEqual([
            [1, 1, 'e1'],
            [2, 1, 'e2'],
            [3, 2, 'x3'],
            [4, 2, 'x4'],
          ]);
          expect(loaded?.hardState).toEqual(hardState);
          expect(loaded?.conf).toEqual(conf);
          expect(loaded?.applyState).toEqual({ appliedIndex: 0, appliedTerm: 0, stateMachine: new Uint8Array(0) });
          expect(loaded?.snapshotMeta).toBeUndefined();
          expect(loaded?.shard).toBeUndefined();
        } finally {
          await store.close();
        }
      });
    });

    it('keeps conf changes of configuration entries', async () => {
      await withStore(async (store) => {
        const change = { changes: [{ kind: 1 as const, node: node(5) }] };
        await store.writeBatch(store.newBatch().appendEntries(group(1), [{ index: 1, term: 1, type: 2, data: new Uint8Array(0), change }], 0), { sync: true });
        expect((await store.loadGroup(group(1)))?.entries).toEqual([{ index: 1, term: 1, type: 2, data: new Uint8Array(0), change }]);
      });
    });

    it('refuses appends that leave a gap or are not contiguous, changing nothing', async () => {
      await withStore(async (store) => {
        const batch = store.newBatch();
        expect(() => batch.appendEntries(group(1), [entry(3, 1)], 1)).toThrow(/gap/);
        expect(() => batch.appendEntries(group(1), [entry(1, 1), entry(3, 1)], 0)).toThrow(/contiguous/);
        expect(batch.isEmpty).toBe(true);
      });
    });

    it('stores apply state, shard descriptor and node meta, and lists groups in order', async () => {
      await withStore(async (first, harness) => {
        const shard = { range: thirds[2] as HashRange, data: bytes('epoch 4') };
        await first.writeBatch(
          first
            .newBatch()
            .setHardState(group(300), hardState)
            .setApplyState(group(7), { appliedIndex: 9, appliedTerm: 2, stateMachine: bytes('rev=41') })
            .setShard(group(7), shard)
            .setHardState(group(1), hardState)
            .setNodeMeta({ nodeId: node(3), clusterId: 'flotilla-test' }),
          { sync: true },
        );
        const store = await reopen(first, harness);
        try {
          expect(await store.listGroups()).toEqual([1, 7, 300]);
          const loaded = await store.loadGroup(group(7));
          expect(loaded?.applyState).toEqual({ appliedIndex: 9, appliedTerm: 2, stateMachine: bytes('rev=41') });
          expect(loaded?.shard).toEqual(shard);
          expect(loaded?.hardState).toEqual({ term: 0, vote: 0, commit: 0 });
          expect(await store.loadNodeMeta()).toEqual({ nodeId: 3, clusterId: 'flotilla-test' });
          expect(await store.loadGroup(group(8))).toBeUndefined();
        } finally {
          await store.close();
        }
      });
    });

    it('compacts the log below an index, including entries put earlier in the same batch', async () => {
      await withStore(async (store) => {
        await store.writeBatch(store.newBatch().appendEntries(group(2), [1, 2, 3].map((i) => entry(i, 1)), 0), { sync: true });
        const meta: SnapshotMeta = { index: 5, term: 1, conf };
        await store.writeBatch(
          store
            .newBatch()
            .appendEntries(group(2), [4, 5, 6, 7].map((i) => entry(i, 1)), 3)
            .setSnapshotMeta(group(2), meta)
            .deleteLogBefore(group(2), 6),
          { sync: true },
        );
        const loaded = await store.loadGroup(group(2));
        expect(loaded?.snapshotMeta).toEqual(meta);
        expect(loaded?.entries.map((e) => e.index)).toEqual([6, 7]);
      });
    });

    it('deletes log entries by index without reading the store, and refuses a bad range', async () => {
      await withStore(async (store) => {
        await store.writeBatch(store.newBatch().appendEntries(group(2), [1, 2, 3, 4, 5, 6, 7].map((i) => entry(i, 1)), 0), { sync: true });
        await store.writeBatch(store.newBatch().deleteLogEntries(group(2), 5, 7), { sync: false });
        expect((await store.loadGroup(group(2)))?.entries.map((e) => e.index)).toEqual([1, 2, 3, 4]);
        expect(() => store.newBatch().deleteLogEntries(group(2), 0, 3)).toThrow(RangeError);
        expect(() => store.newBatch().deleteLogEntries(group(2), 4, 3)).toThrow(RangeError);
      });
    });

    it('applies concurrently submitted batches in submission order', async () => {
      await withStore(async (store) => {
        const key = bytes('k');
        const writes = ['a', 'b', 'c'].map((value) => store.writeBatch(store.newBatch().putUserRecord(hashOf(key), key, bytes(value)), { sync: false }));
        await Promise.all(writes);
        expect(text((await store.getUserRecord(hashOf(key), key)) as Uint8Array)).toBe('c');
      });
    });

    it('reads, scans and deletes user records, with prefix scans bounded by range and limit', async () => {
      await withStore(async (store) => {
        const keys = [...keysNamed('users/', 40), ...keysNamed('orders/', 20), 'users', 'usert/x'];
        await putRecords(store, keys, 'v');
        const doomed = ['users/003', 'users/017'];
        const deletes = store.newBatch();
        for (const key of doomed) deletes.deleteUserRecord(hashOf(bytes(key)), bytes(key));
        await store.writeBatch(deletes, { sync: false });

        const live = keys.filter((key) => !doomed.includes(key));
        expect(text((await store.getUserRecord(hashOf(bytes('users/005')), bytes('users/005'))) as Uint8Array)).toBe('v:users/005');
        expect(await store.getUserRecord(hashOf(bytes('users/003')), bytes('users/003'))).toBeUndefined();

        const scanned = await collect(store, middle);
        const expected = live.filter((key) => inRange(middle, key)).sort((a, b) => {
          const [ha, hb] = [hashOf(bytes(a)), hashOf(bytes(b))];
          return ha < hb ? -1 : ha > hb ? 1 : 0;
        });
        expect(scanned.map((record) => text(record.key))).toEqual(expected);
        expect(scanned.every((record) => record.hash === hashOf(record.key) && text(record.value) === `v:${text(record.key)}`)).toBe(true);

        const usersInMiddle = live.filter((key) => key.startsWith('users/') && inRange(middle, key)).sort();
        expect(usersInMiddle.length).toBeGreaterThan(3);
        const prefixed = await store.scanKeyPrefix(bytes('users/'), middle, 1000);
        expect(prefixed.map((record) => text(record.key))).toEqual(usersInMiddle);
        expect(prefixed.map((record) => text(record.value))).toEqual(usersInMiddle.map((key) => `v:${key}`));
        const limited = await store.scanKeyPrefix(bytes('users/'), middle, 3);
        expect(limited.map((record) => text(record.key))).toEqual(usersInMiddle.slice(0, 3));
        const everywhere = await store.scanKeyPrefix(bytes('users/'), FULL_HASH_RANGE, 1000);
        expect(everywhere.map((record) => text(record.key))).toEqual(live.filter((key) => key.startsWith('users/')).sort());
      });
    });

    it('refuses bad user input with a clear error and leaves the batch unchanged', async () => {
      await withStore(async (store) => {
        const batch = store.newBatch().putUserRecord(5n, bytes('ok'), bytes('v'));
        const before = batch.byteLength;
        expect(() => batch.putUserRecord(5n, new Uint8Array(0), bytes('v'))).toThrow(RangeError);
        expect(() => batch.putUserRecord(5n, new Uint8Array(USER_KEY_MAX_BYTES + 1), bytes('v'))).toThrow(RangeError);
        expect(() => batch.putUserRecord(-1n, bytes('k'), bytes('v'))).toThrow(RangeError);
        expect(() => batch.putUserRecord(HASH_SPACE_END, bytes('k'), bytes('v'))).toThrow(RangeError);
        expect(() => batch.setShard(group(1), { range: { start: 5n, end: 5n }, data: new Uint8Array(0) })).toThrow(RangeError);
        expect(batch.byteLength).toBe(before);
        await expect(store.scanKeyPrefix(bytes('a'), middle, 0)).rejects.toThrow(RangeError);
        await expect(store.scanKeyPrefix(bytes('a'), { start: 1n, end: 0n }, 10)).rejects.toThrow(RangeError);
      });
    });

    describe('snapshots', () => {
      const meta: SnapshotMeta = { index: 50, term: 3, conf };
      const sourceKeys = keysNamed('data/', 120);
      const stateMachine = bytes('revision=1234');

      async function withPair(run: (source: NodeStore, target: NodeStore, targetHarness: StoreHarness) => Promise<void>): Promise<void> {
        await withStore(async (source) => {
          await withStore(async (target, targetHarness) => {
            await putRecords(source, sourceKeys, 'new');
            // The target holds stale data inside the range (to be replaced) and data outside it (to be kept).
            await putRecords(target, [...keysNamed('data/', 30), ...keysNamed('stale/', 30)], 'old');
            await run(source, target, targetHarness);
          });
        });
      }

      it('streams a snapshot in odd chunks and installs it as exactly the source range', async () => {
        await withPair(async (source, target, targetHarness) => {
          const before = await collect(target, thirds[0] as HashRange);
          const file = await source.createSnapshot(group(9), middle, meta, stateMachine);
          const chunks = chunksOf(file, [7, 1000, 333, 1]);
          expect(chunks.length).toBeGreaterThan(4);
          await stageAll(target, group(9), chunks);
          expect(await target.installSnapshot(group(9), meta, middle)).toEqual(stateMachine);
          await file.release();

          const reopened = await reopen(target, targetHarness);
          try {
            expect(await collect(reopened, middle)).toEqual(await collect(source, middle));
            expect(await collect(reopened, thirds[0] as HashRange)).toEqual(before);
            const prefixed = await reopened.scanKeyPrefix(bytes('stale/'), middle, 1000);
            expect(prefixed).toEqual([]);
            const dataKeys = await reopened.scanKeyPrefix(bytes('data/'), middle, 1000);
            expect(dataKeys.map((r) => text(r.key))).toEqual(sourceKeys.filter((key) => inRange(middle, key)).sort());
            const loaded = await reopened.loadGroup(group(9));
            expect(loaded?.snapshotMeta).toEqual(meta);
            expect(loaded?.conf).toEqual(conf);
            expect(loaded?.applyState).toEqual({ appliedIndex: 50, appliedTerm: 3, stateMachine });
            expect(loaded?.hardState.commit).toBe(50);
          } finally {
            await reopened.close();
          }
        });
      });

      it('captures the state at the call, not writes that land while the file is written', async () => {
        await withPair(async (source) => {
          const key = sourceKeys.find((candidate) => inRange(middle, candidate)) as string;
          const pending = source.createSnapshot(group(9), middle, meta, stateMachine);
          await source.writeBatch(source.newBatch().putUserRecord(hashOf(bytes(key)), bytes(key), bytes('later')), { sync: false });
          const file = await pending;
          const target = await (await createHarness()).open();
          try {
            await stageAll(target, group(9), chunksOf(file, [4096]));
            await target.installSnapshot(group(9), meta, middle);
            expect(text((await target.getUserRecord(hashOf(bytes(key)), bytes(key))) as Uint8Array)).toBe(`new:${key}`);
          } finally {
            await file.release();
            await target.close();
          }
        });
      });

      it('refuses a corrupt or torn snapshot and changes nothing', async () => {
        await withPair(async (source, target) => {
          const before = await collect(target, FULL_HASH_RANGE);
          const file = await source.createSnapshot(group(9), middle, meta, stateMachine);
          const chunks = chunksOf(file, [500]);
          await file.release();
          expect(chunks.length).toBeGreaterThan(2);

          const flipped = chunks.map((chunk, i) => {
            if (i !== 1) return chunk;
            const data = chunk.data.slice();
            data[17] = (data[17] as number) ^ 0x40;
            return { ...chunk, data };
          });
          await stageAll(target, group(9), flipped);
          await expect(target.installSnapshot(group(9), meta, middle)).rejects.toThrow(SnapshotCorruptError);

          const last = chunks[chunks.length - 1] as SnapshotChunk;
          const torn = [...chunks.slice(0, -1), { ...last, data: last.data.subarray(0, last.data.length - 5) }];
          await stageAll(target, group(9), torn);
          await expect(target.installSnapshot(group(9), meta, middle)).rejects.toThrow(SnapshotCorruptError);

          await stageAll(target, group(9), chunks);
          await expect(target.installSnapshot(group(9), meta, thirds[0] as HashRange)).rejects.toThrow(SnapshotCorruptError);

          expect(await collect(target, FULL_HASH_RANGE)).toEqual(before);
          expect(await target.loadGroup(group(9))).toBeUndefined();
        });
      });

      it('checks chunk continuity and restarts staging at offset 0', async () => {
        await withPair(async (source, target) => {
          const file = await source.createSnapshot(group(9), middle, meta, stateMachine);
          const chunks = chunksOf(file, [500]);
          await file.release();
          const [first, second, third] = chunks as [SnapshotChunk, SnapshotChunk, SnapshotChunk];
          await target.stageSnapshotChunk(group(9), first);
          await expect(target.stageSnapshotChunk(group(9), third)).rejects.toThrow(/does not continue/);
          await expect(target.stageSnapshotChunk(group(9), { ...second, meta: { ...meta, index: 51 } })).rejects.toThrow(/does not continue/);
          await expect(target.installSnapshot(group(9), meta, middle)).rejects.toThrow(/not completely staged/);
          await target.stageSnapshotChunk(group(9), second);
          await stageAll(target, group(9), chunks);
          await target.installSnapshot(group(9), meta, middle);
          expect(await collect(target, middle)).toEqual(await collect(source, middle));
        });
      });

      it('installs a completely received snapshot after a newer one started arriving, then the newer one', async () => {
        await withPair(async (source, target) => {
          const newer: SnapshotMeta = { ...meta, index: meta.index + 10 };
          const olderFile = await source.createSnapshot(group(9), middle, meta, stateMachine);
          const newerFile = await source.createSnapshot(group(9), middle, newer, stateMachine);
          const olderChunks = chunksOf(olderFile, [500]);
          const newerChunks = chunksOf(newerFile, [500]);
          await olderFile.release();
          await newerFile.release();
          // As in one Ready that finishes one snapshot and starts the next.
          for (const chunk of olderChunks) await target.stageSnapshotChunk(group(9), chunk);
          await stageAll(target, group(9), newerChunks.slice(0, 1));
          await target.installSnapshot(group(9), meta, middle);
          expect((await target.loadGroup(group(9)))?.snapshotMeta).toEqual(meta);
          await stageAll(target, group(9), newerChunks.slice(1));
          await target.installSnapshot(group(9), newer, middle);
          expect((await target.loadGroup(group(9)))?.snapshotMeta).toEqual(newer);
          expect(await collect(target, middle)).toEqual(await collect(source, middle));
        });
      });

      it('keeps the log after the snapshot only when the log holds the snapshot entry', async () => {
        await withPair(async (source, target) => {
          const file = await source.createSnapshot(group(9), middle, meta, stateMachine);
          const chunks = chunksOf(file, [65536]);
          await file.release();
          const log = Array.from({ length: 60 }, (_, i) => entry(i + 1, 3));
          await target.writeBatch(target.newBatch().appendEntries(group(9), log, 0), { sync: true });
          await stageAll(target, group(9), chunks);
          await target.installSnapshot(group(9), meta, middle);
          expect((await target.loadGroup(group(9)))?.entries.map((e) => e.index)).toEqual(log.slice(50).map((e) => e.index));

          const foreign = log.map((e) => entry(e.index, 2));
          await target.writeBatch(target.newBatch().appendEntries(group(9), foreign, 60), { sync: true });
          const rewound = { ...meta, index: 40 };
          const otherFile = await source.createSnapshot(group(9), middle, rewound, stateMachine);
          await stageAll(target, group(9), chunksOf(otherFile, [65536]));
          await otherFile.release();
          await target.installSnapshot(group(9), rewound, middle);
          expect((await target.loadGroup(group(9)))?.entries).toEqual([]);
        });
      });

      it('serves chunks only for valid offsets and sizes', async () => {
        await withPair(async (source) => {
          const file = await source.createSnapshot(group(9), middle, meta, stateMachine);
          expect(() => file.readChunk(-1, 10)).toThrow(RangeError);
          expect(() => file.readChunk(file.size + 1, 10)).toThrow(RangeError);
          expect(() => file.readChunk(0, 0)).toThrow(RangeError);
          expect(file.readChunk(file.size, 10)).toEqual({ data: new Uint8Array(0), done: true });
          await file.release();
          expect(() => file.readChunk(0, 10)).toThrow(/released/);
        });
      });

      const crashPoints: CrashPoint[] = ['install:marked', 'install:cleared', 'install:loaded'];
      for (const point of crashPoints) {
        it(`finishes an install interrupted at ${point} on the next open`, async () => {
          await withStore(async (source) => {
            const harness = await createHarness();
            try {
              await putRecords(source, sourceKeys, 'new');
              const file = await source.createSnapshot(group(9), middle, meta, stateMachine);
              const chunks = chunksOf(file, [2048]);
              await file.release();
              const target = await harness.open({
                crashPoint: (reached) => {
                  if (reached === point) throw new Error(`simulated crash at ${reached}`);
                },
              });
              await putRecords(target, keysNamed('stale/', 30), 'old');
              await stageAll(target, group(9), chunks);
              await expect(target.installSnapshot(group(9), meta, middle)).rejects.toThrow(/simulated crash/);
              await target.close();

              const recovered = await harness.open();
              try {
                expect(await collect(recovered, middle)).toEqual(await collect(source, middle));
                expect(await recovered.scanKeyPrefix(bytes('stale/'), middle, 1000)).toEqual([]);
                expect((await recovered.loadGroup(group(9)))?.applyState).toEqual({ appliedIndex: 50, appliedTerm: 3, stateMachine });
              } finally {
                await recovered.close();
              }
            } finally {
              await harness.cleanup();
            }
          });
        });
      }
    });

    describe('dropping a replica', () => {
      async function populate(store: NodeStore): Promise<void> {
        const batch = store.newBatch();
        for (const [index, id] of [3, 4].entries()) {
          batch
            .appendEntries(group(id), [1, 2, 3].map((i) => entry(i, 1)), 0)
            .setHardState(group(id), hardState)
            .setApplyState(group(id), { appliedIndex: 3, appliedTerm: 1, stateMachine: bytes('s') })
            .setShard(group(id), { range: thirds[index] as HashRange, data: new Uint8Array(0) });
        }
        await store.writeBatch(batch, { sync: true });
        await putRecords(store, keysNamed('k/', 90), 'v');
      }

      async function expectDropped(store: NodeStore): Promise<void> {
        expect(await store.listGroups()).toEqual([4]);
        expect(await store.loadGroup(group(3))).toBeUndefined();
        expect(await collect(store, thirds[0] as HashRange)).toEqual([]);
        const remaining = (await store.scanKeyPrefix(bytes('k/'), FULL_HASH_RANGE, 1000)).map((r) => text(r.key));
        expect(remaining).toEqual(keysNamed('k/', 90).filter((key) => !inRange(thirds[0] as HashRange, key)));
        expect((await store.loadGroup(group(4)))?.entries).toHaveLength(3);
      }

      it('removes the group and its user data, leaving other groups alone', async () => {
        await withStore(async (store) => {
          await populate(store);
          const batch = store.newBatch().deleteGroup(group(3), thirds[0]);
          expect(() => batch.setHardState(group(3), hardState)).toThrow(/dropped/);
          expect(() => batch.putUserRecord(1n, bytes('x'), bytes('y'))).toThrow(/dropped/);
          await store.writeBatch(batch, { sync: true });
          await expectDropped(store);
        });
      });

      it('finishes a drop interrupted by a crash on the next open', async () => {
        const harness = await createHarness();
        try {
          const store = await harness.open({
            crashPoint: (point) => {
              if (point === 'drop:marked') throw new Error('simulated crash');
            },
          });
          await populate(store);
          await expect(store.writeBatch(store.newBatch().deleteGroup(group(3), thirds[0]), { sync: true })).rejects.toThrow(/simulated/);
          await store.close();
          const recovered = await harness.open();
          try {
            await expectDropped(recovered);
          } finally {
            await recovered.close();
          }
        } finally {
          await harness.cleanup();
        }
      });
    });
  });
}
