import { describe, expect, it } from 'vitest';
import { groupId, nodeId } from '@flotilla/raft';
import type { SnapshotChunk, SnapshotMeta } from '@flotilla/raft';
import { MemoryBlobStore } from './memory-blob-store.js';
import { SnapshotStaging, stagingBlobName } from './snapshot-staging.js';

const group = groupId(4);
const meta = (index: number): SnapshotMeta => ({ index, term: 2, conf: { voters: [nodeId(1)], votersOutgoing: [], learners: [], learnersNext: [] } });
const whole = (index: number): SnapshotChunk => ({ meta: meta(index), offset: 0, data: Uint8Array.of(index), done: true });
const firstOf = (index: number): SnapshotChunk => ({ ...whole(index), done: false });

describe('SnapshotStaging', () => {
  it('drops, once a snapshot is sealed for install, every staged one no newer than it', async () => {
    const blobs = new MemoryBlobStore();
    const staging = new SnapshotStaging(blobs);
    // 10 completes but is never installed (the core refused it); 20 completes and is installed.
    await staging.stage(group, whole(10));
    await staging.stage(group, whole(20));
    expect((await blobs.list()).sort()).toEqual([stagingBlobName(group, meta(10)), stagingBlobName(group, meta(20))].sort());
    expect(await staging.seal(group, meta(20))).toBe(stagingBlobName(group, meta(20)));
    // The installer removes the sealed file; nothing is left behind.
    await blobs.remove(stagingBlobName(group, meta(20)));
    expect(await blobs.list()).toEqual([]);
    await expect(staging.seal(group, meta(10))).rejects.toThrow(/not completely staged/);
  });

  it('keeps one completed snapshot when the same one is sent again, and drops an unfinished one', async () => {
    const blobs = new MemoryBlobStore();
    const staging = new SnapshotStaging(blobs);
    await staging.stage(group, whole(10));
    await staging.stage(group, firstOf(10));
    expect(await blobs.list()).toEqual([stagingBlobName(group, meta(10))]);
    await staging.stage(group, firstOf(20));
    expect(await blobs.list()).toEqual([stagingBlobName(group, meta(20))]);
  });
});
