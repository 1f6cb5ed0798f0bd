import { describe, expect, it } from 'vitest';
import { SnapshotTemporarilyUnavailableError } from './errors.js';
import { MemoryLogStorage } from './memory-storage.js';
import { TEST_GROUP, TestCluster, bytes } from './testing/test-cluster.js';
import type { Message, SnapshotMeta } from './types.js';
import { MessageType, nodeId } from './types.js';

const CHUNK_BYTES = 16;

/** Leader 1 commits `count` commands while 3 is cut off, then snapshots and compacts its log. */
const laggingFollower = (count = 10): TestCluster => {
  const cluster = new TestCluster([1, 2, 3], { config: { snapshotChunkBytes: CHUNK_BYTES } });
  cluster.elect(1);
  cluster.isolate(3);
  for (let i = 0; i < count; i++) cluster.propose(1, `value-${i}`);
  const leader = cluster.get(1);
  const applied = leader.node.status().applied;
  leader.storage.createSnapshot(applied, leader.node.confState(), bytes(JSON.stringify(leader.applied)));
  leader.storage.compact(applied);
  cluster.heal();
  return cluster;
};

const snapshotBytes = (cluster: TestCluster): number => {
  const storage = cluster.get(1).storage;
  return storage.snapshotChunk(storage.snapshot(), 0, Number.MAX_SAFE_INTEGER).data.byteLength;
};

const snaps = (cluster: TestCluster): Message[] => cluster.delivered.filter((m) => m.type === MessageType.SNAP);

describe('snapshot transfer', () => {
  it('sends a compacted-away follower the snapshot in chunks, one at a time, then resumes appends', () => {
    const cluster = laggingFollower();
    cluster.tick(3);
    const expectedChunks = Math.ceil(snapshotBytes(cluster) / CHUNK_BYTES);
    expect(snaps(cluster).map((m) => m.snapshot?.offset)).toEqual(Array.from({ length: expectedChunks }, (_, i) => i * CHUNK_BYTES));
    expect(snaps(cluster).at(-1)?.snapshot?.done).toBe(true);
    expect(cluster.get(3).applied).toEqual(cluster.get(1).applied);
    cluster.propose(1, 'after');
    cluster.heartbeat(1);
    expect(cluster.get(3).applied.at(-1)).toBe('after');
    expect(cluster.node(1).status().progress?.find((p) => p.id === 3)?.state).toBe(2);
  });

  it('resends a lost chunk after a timeout', () => {
    const cluster = laggingFollower();
    let lost = false;
    cluster.drop((m) => {
      if (!lost && m.type === MessageType.SNAP && m.snapshot?.offset === CHUNK_BYTES) {
        lost = true;
        return true;
      }
      return false;
    });
    cluster.tick(30);
    expect(lost).toBe(true);
    expect(cluster.get(3).applied).toEqual(cluster.get(1).applied);
  });

  it('tolerates duplicated chunks and acknowledgements', () => {
    const cluster = laggingFollower();
    const original = cluster.deliver.bind(cluster);
    cluster.deliver = (message: Message) => {
      original(message);
      if (message.type === MessageType.SNAP || message.type === MessageType.SNAP_RESP) original(message);
    };
    cluster.tick(5);
    expect(cluster.get(3).applied).toEqual(cluster.get(1).applied);
  });

  it('refuses a chunk that does not continue what is staged, so the leader restarts', () => {
    const cluster = laggingFollower();
    const meta = cluster.get(1).storage.snapshot();
    const chunk = (offset: number): Message => ({
      type: MessageType.SNAP,
      group: TEST_GROUP,
      from: nodeId(1),
      to: nodeId(3),
      term: cluster.node(1).status().hardState.term,
      snapshot: { meta, offset, data: new Uint8Array(4), done: false },
    });
    cluster.node(3).step(chunk(8));
    let ready = cluster.node(3).ready();
    expect(ready.messages).toEqual([expect.objectContaining({ type: MessageType.SNAP_RESP, reject: true, offset: 0, index: meta.index })]);
    cluster.node(3).advance(ready);
    cluster.node(3).step(chunk(0));
    cluster.node(3).step(chunk(0));
    cluster.node(3).step(chunk(12));
    ready = cluster.node(3).ready();
    expect(ready.snapshotChunks).toHaveLength(1);
    expect(ready.messages.map((m) => m.offset)).toEqual([4, 4, 4]);
    cluster.node(3).advance(ready);
  });

  it('answers a snapshot older than its commit index as an append', () => {
    const cluster = laggingFollower();
    cluster.tick(3);
    const old: SnapshotMeta = { index: 1, term: 1, conf: cluster.node(3).confState() };
    cluster.node(3).step({
      type: MessageType.SNAP,
      group: TEST_GROUP,
      from: nodeId(1),
      to: nodeId(3),
      term: cluster.node(1).status().hardState.term,
      snapshot: { meta: old, offset: 0, data: new Uint8Array(), done: true },
    });
    const ready = cluster.node(3).ready();
    expect(ready.snapshot).toBeUndefined();
    expect(ready.messages).toEqual([expect.objectContaining({ type: MessageType.APP_RESP, index: cluster.node(3).status().hardState.commit })]);
    cluster.node(3).advance(ready);
  });

  it('waits while the storage says the snapshot is temporarily unavailable', () => {
    const cluster = laggingFollower();
    const storage = cluster.get(1).storage;
    const snapshot = storage.snapshot.bind(storage);
    let unavailable = true;
    storage.snapshot = (): SnapshotMeta => {
      if (unavailable) throw new SnapshotTemporarilyUnavailableError();
      return snapshot();
    };
    cluster.tick(5);
    expect(snaps(cluster)).toEqual([]);
    unavailable = false;
    cluster.tick(5);
    expect(cluster.get(3).applied).toEqual(cluster.get(1).applied);
  });

  it('fast-forwards commit instead of restoring when the log already holds the snapshot point', () => {
    const cluster = new TestCluster([1, 2, 3]);
    cluster.elect(1);
    // 3 receives the entry but never learns that it committed.
    cluster.drop((m) => m.type === MessageType.APP && m.to === 3 && (m.entries ?? []).length === 0);
    cluster.propose(1, 'x');
    const follower = cluster.get(3);
    const last = follower.storage.lastIndex();
    const meta: SnapshotMeta = { index: last, term: follower.storage.term(last), conf: follower.node.confState() };
    follower.node.step({
      type: MessageType.SNAP,
      group: TEST_GROUP,
      from: nodeId(1),
      to: nodeId(3),
      term: cluster.node(1).status().hardState.term,
      snapshot: { meta, offset: 0, data: new Uint8Array([1]), done: true },
    });
    const ready = follower.node.ready();
    expect(ready.snapshot).toBeUndefined();
    expect(ready.hardState?.commit).toBe(last);
    follower.node.advance(ready);
  });

  it('restarts a replica whose storage holds a snapshot', () => {
    const cluster = laggingFollower();
    cluster.tick(3);
    const restarted = cluster.restart(3);
    expect(restarted.node.status().applied).toBe(cluster.get(3).storage.snapshot().index);
    cluster.propose(1, 'later');
    cluster.heartbeat(1);
    expect(cluster.get(3).applied).toEqual(cluster.get(1).applied);
    expect(new MemoryLogStorage().snapshot().index).toBe(0);
  });
});
