import { afterEach, describe, expect, it } from 'vitest';
import type { GroupId, NodeId } from '@flotilla/raft';
import type { ReadConsistency } from './service.js';
import { bytes, gatedSnapshots, InMemoryCluster, waitFor } from './testing/in-memory-cluster.js';

const SEED = 53;
const SNAPSHOT_THRESHOLD_ENTRIES = 50;
const WRITES = 300;
/** Concurrent writes per wave: enough to be quick, well under the node's pending-request bound. */
const WAVE = 25;
const STALE: ReadConsistency = { kind: 'stale' };

const writeMany = async (cluster: InMemoryCluster, via: NodeId, keys: readonly Uint8Array[]): Promise<void> => {
  for (let at = 0; at < keys.length; at += WAVE) {
    await Promise.all(
      keys.slice(at, at + WAVE).map((key, i) => cluster.node(via).service.execute({ op: 'put', key, value: bytes(`value ${at + i}`) })),
    );
  }
};

describe(`a node that missed more than the kept log (seed ${SEED})`, () => {
  let cluster: InMemoryCluster | undefined;
  afterEach(() => cluster?.close());

  const start = (seed: number): Promise<InMemoryCluster> =>
    InMemoryCluster.start({ shards: 2, seed, config: { snapshotThresholdEntries: SNAPSHOT_THRESHOLD_ENTRIES } });

  /** Stops `lagging`, writes to `group`, and returns the keys written. */
  const writeWithout = async (c: InMemoryCluster, lagging: NodeId, group: GroupId): Promise<Uint8Array[]> => {
    await c.stopNode(lagging);
    await c.waitReady();
    const keys = c.keysInGroup(group, WRITES, 'snap/');
    await writeMany(c, c.runningIds[0] as NodeId, keys);
    return keys;
  };

  const expectCaughtUpBySnapshot = async (c: InMemoryCluster, lagging: NodeId, group: GroupId, keyCount: number): Promise<void> => {
    const leader = c.requireLeader(group);
    const leaderStatus = c.groupStatus(leader, group);
    expect(leaderStatus.firstIndex).toBeGreaterThan(2);
    await waitFor(`node ${lagging} to install a snapshot of group ${group} and apply through ${leaderStatus.commitIndex}`, () => {
      const status = c.groupStatus(lagging, group);
      return status.snapshotsInstalled > 0 && status.appliedIndex >= leaderStatus.commitIndex ? true : undefined;
    });
    const onLeader = await c.node(leader).service.scan(bytes('snap/'), 1_000, STALE);
    const onLagging = await c.node(lagging).service.scan(bytes('snap/'), 1_000, STALE);
    expect(onLeader.items).toHaveLength(keyCount);
    expect(onLagging).toEqual(onLeader);
  };

  it('installs a snapshot from the leader, which compacted its log, and holds the same data', async () => {
    cluster = await start(SEED);
    const c = cluster;
    const group = c.groupIds()[0] as GroupId;
    const lagging = c.ids.find((id) => id !== c.requireLeader(group)) as NodeId;
    const keys = await writeWithout(c, lagging, group);
    const leader = c.requireLeader(group);
    // Compacting writes no file: the leader writes one only when the lagging node needs it.
    expect(c.groupStatus(leader, group).compactions).toBeGreaterThan(0);
    expect(c.groupStatus(leader, group).snapshotsTaken).toBe(0);

    await c.startNode(lagging);
    await expectCaughtUpBySnapshot(c, lagging, group, keys.length);
    expect(c.groupStatus(leader, group).snapshotsTaken).toBeGreaterThan(0);
  });

  it('makes the snapshot on demand when the leader restarted and has none on disk to send', async () => {
    cluster = await start(SEED + 1);
    const c = cluster;
    const group = c.groupIds()[1] as GroupId;
    const lagging = c.ids.find((id) => id !== c.requireLeader(group)) as NodeId;
    const keys = await writeWithout(c, lagging, group);
    // Both remaining nodes restart, so no snapshot file is open anywhere; they come back as a quorum.
    const survivors = c.runningIds;
    await Promise.all(survivors.map((id) => c.stopNode(id)));
    await Promise.all(survivors.map((id) => c.startNode(id)));
    await c.waitReady();

    await c.startNode(lagging);
    await expectCaughtUpBySnapshot(c, lagging, group, keys.length);
    // Counted since the leader's restart, a few entries past its last stored snapshot: made for the lagging node.
    expect(c.groupStatus(c.requireLeader(group), group).snapshotsTaken).toBeGreaterThan(0);
  });

  it('keeps an installed snapshot when a snapshot file it started writing before finishes after it', async () => {
    cluster = await start(SEED + 2);
    const c = cluster;
    const group = c.groupIds()[0] as GroupId;
    const lagging = c.ids.find((id) => id !== c.requireLeader(group)) as NodeId;
    const slowTake = gatedSnapshots();
    await c.restartNode(lagging, slowTake.wrap);
    await c.waitReady();
    await c.isolateLeadersUntil(group, lagging);

    // As leader, it starts writing a file for a follower that missed more than it keeps; the file is held back.
    const follower = c.ids.find((id) => id !== lagging) as NodeId;
    await writeWithout(c, follower, group);
    await c.startNode(follower);
    await waitFor(`node ${lagging} to start writing a snapshot file`, () => (slowTake.started() ? true : undefined));
    const writer = c.ids.find((id) => id !== lagging) as NodeId;

    // Cut off, it misses more than the leader keeps, so it installs the leader's snapshot on return.
    c.hub.partition([lagging], c.ids.filter((id) => id !== lagging));
    await writeMany(c, writer, c.keysInGroup(group, WRITES, 'snap/late/'));
    c.hub.heal();
    const leaderCommit = c.groupStatus(c.requireLeader(group), group).commitIndex;
    await waitFor(`node ${lagging} to install a snapshot`, () => {
      const status = c.groupStatus(lagging, group);
      return status.snapshotsInstalled > 0 && status.appliedIndex >= leaderCommit ? true : undefined;
    });
    const installedIndex = c.groupStatus(lagging, group).snapshotIndex;

    slowTake.release();
    // The old snapshot's completion runs in the microtasks after the file is handed over (and its
    // store writes, if any, are queued before the store closes).
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.groupStatus(lagging, group).snapshotIndex).toBeGreaterThanOrEqual(installedIndex);

    // What the node stored must still describe the installed state: it restarts and serves it.
    await c.restartNode(lagging);
    await c.waitReady();
    const onLeader = await c.node(c.requireLeader(group)).service.scan(bytes('snap/'), 1_000, STALE);
    const onLagging = await c.node(lagging).service.scan(bytes('snap/'), 1_000, STALE);
    expect(onLagging).toEqual(onLeader);
  });
});

describe(`compaction on a busy group (seed ${SEED})`, () => {
  let cluster: InMemoryCluster | undefined;
  afterEach(() => cluster?.close());

  it('deletes the compacted entries from every store, not only from memory', async () => {
    // A threshold of 1,000 keeps 500 entries for followers a little behind, so the first
    // compaction deletes about 500 stored entries: more than one turn's share.
    cluster = await InMemoryCluster.start({ shards: 1, seed: SEED, config: { snapshotThresholdEntries: 1_000 } });
    const c = cluster;
    const group = c.groupIds()[0] as GroupId;
    await writeMany(c, c.ids[0] as NodeId, c.keysInGroup(group, 1_200, 'trim/'));
    for (const id of c.ids) {
      await waitFor(`node ${id} to compact and trim its stored log`, () => {
        const status = c.groupStatus(id, group);
        const stored = c.storedLogIndexes(id, group);
        return status.compactions > 0 && stored[0] === status.firstIndex ? true : undefined;
      });
      const status = c.groupStatus(id, group);
      expect(status.firstIndex).toBeGreaterThan(400);
      // Exactly the in-memory log's range: nothing below it, no gap inside it.
      const stored = c.storedLogIndexes(id, group);
      expect(stored).toEqual(Array.from({ length: stored.length }, (_, i) => status.firstIndex + i));
      expect(stored[stored.length - 1]).toBeGreaterThanOrEqual(status.appliedIndex);
    }
  }, 30_000);
});
