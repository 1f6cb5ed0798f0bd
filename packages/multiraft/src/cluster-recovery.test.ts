import { afterEach, describe, expect, it } from 'vitest';
import type { GroupId, HardState, NodeId } from '@flotilla/raft';
import type { NodeStore } from '@flotilla/storage';
import type { KeyValue, ReadConsistency } from './service.js';
import { bytes, InMemoryCluster, text, waitFor } from './testing/in-memory-cluster.js';

const SEED = 71;
const KEYS = 24;
const LINEARIZABLE: ReadConsistency = { kind: 'linearizable' };

const putRevision = async (cluster: InMemoryCluster, via: NodeId, key: Uint8Array, value: string): Promise<number> => {
  const { result } = await cluster.node(via).service.execute({ op: 'put', key, value: bytes(value) });
  if (result.op !== 'put' || !result.succeeded) throw new Error(`put of ${text(key)} failed`);
  return result.revision;
};

describe(`a whole cluster closed and reopened on its volumes (seed ${SEED})`, () => {
  let cluster: InMemoryCluster | undefined;
  afterEach(() => cluster?.close());

  it('keeps every value and revision, and hands out only higher revisions afterwards', async () => {
    cluster = await InMemoryCluster.start({ shards: 3, seed: SEED });
    const c = cluster;
    const keys = Array.from({ length: KEYS }, (_, i) => bytes(`recovery/${i}`));
    const highestRevision = new Map<GroupId, number>();
    for (const [i, key] of keys.entries()) {
      // Some keys twice, so versions and create revisions differ from mod revisions.
      for (let version = 0; version <= i % 2; version++) {
        const revision = await putRevision(c, c.ids[i % 3] as NodeId, key, `value ${i}.${version}`);
        const group = c.groupOfKey(key);
        highestRevision.set(group, Math.max(highestRevision.get(group) ?? 0, revision));
      }
    }
    const before: (KeyValue | undefined)[] = [];
    for (const key of keys) before.push(await c.node(c.ids[0] as NodeId).service.get(key, LINEARIZABLE));
    expect(before.every((read) => read !== undefined)).toBe(true);

    for (const id of c.ids) await c.stopNode(id);
    for (const id of c.ids) await c.startNode(id);
    await c.waitReady();

    for (const id of c.ids) {
      const after: (KeyValue | undefined)[] = [];
      for (const key of keys) after.push(await c.node(id).service.get(key, LINEARIZABLE));
      expect(after).toEqual(before);
    }
    for (const [i, key] of keys.entries()) {
      const group = c.groupOfKey(key);
      const revision = await putRevision(c, c.ids[(i + 1) % 3] as NodeId, key, 'after the restart');
      expect(revision).toBeGreaterThan(highestRevision.get(group) ?? Number.POSITIVE_INFINITY);
      highestRevision.set(group, revision);
      const read = await c.node(c.ids[i % 3] as NodeId).service.get(key, LINEARIZABLE);
      expect(read).toMatchObject({ createRevision: before[i]?.createRevision, modRevision: revision, version: (before[i]?.version ?? 0) + 1 });
    }
  });

  it('writes term and vote only: a node restarts from its applied index and relearns the commit index', async () => {
    cluster = await InMemoryCluster.start({ shards: 1, seed: SEED });
    const c = cluster;
    const [first, , third] = c.ids as [NodeId, NodeId, NodeId];
    const written: HardState[] = [];
    const recordHardStates = (store: NodeStore): NodeStore => {
      const newBatch = store.newBatch.bind(store);
      store.newBatch = () => {
        const batch = newBatch();
        const setHardState = batch.setHardState.bind(batch);
        batch.setHardState = (group, hardState) => {
          written.push(hardState);
          return setHardState(group, hardState);
        };
        return batch;
      };
      return store;
    };
    await c.restartNode(third, recordHardStates);
    await c.waitReady();
    const group = c.groupIds()[0] as GroupId;
    const commitBefore = c.groupStatus(third, group).commitIndex;
    const keys = Array.from({ length: 20 }, (_, i) => bytes(`lazy-commit/${i}`));
    for (const [i, key] of keys.entries()) await putRevision(c, first, key, `value ${i}`);
    await waitFor('the third node to apply every write', () => (c.groupStatus(third, group).appliedIndex >= c.groupStatus(first, group).commitIndex ? true : undefined));
    expect(c.groupStatus(third, group).commitIndex).toBeGreaterThanOrEqual(commitBefore + keys.length);
    // Only a term or vote change is written, never a commit index alone.
    for (const [i, hardState] of written.entries()) {
      const previous = written[i - 1];
      if (previous !== undefined) expect([hardState.term, hardState.vote]).not.toEqual([previous.term, previous.vote]);
    }
    expect(written.length).toBeLessThan(keys.length);

    await c.restartNode(third);
    await c.waitReady();
    for (const [i, key] of keys.entries()) {
      expect(await c.node(third).service.get(key, { kind: 'stale' })).toMatchObject({ value: bytes(`value ${i}`) });
    }
  }, 20_000);
});
