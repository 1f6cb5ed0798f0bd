import { describe, expect, it } from 'vitest';
import { RaftInvariantError } from './errors.js';
import { Inflights } from './inflights.js';
import { Progress, ProgressState } from './progress.js';
import { conf } from './testing/test-cluster.js';

const meta = { index: 20, term: 3, conf: conf([1, 2, 3]) };

describe('Inflights', () => {
  it('is bounded by count and by bytes', () => {
    const byCount = new Inflights(2, 1000);
    byCount.add(1, 10);
    expect(byCount.full()).toBe(false);
    byCount.add(2, 10);
    expect(byCount.full()).toBe(true);
    const byBytes = new Inflights(10, 100);
    byBytes.add(5, 100);
    expect(byBytes.full()).toBe(true);
    expect(() => byBytes.add(6, 1)).toThrow(RaftInvariantError);
  });

  it('frees every append covered by an acknowledgement', () => {
    const inflights = new Inflights(10, 1000);
    inflights.add(3, 10);
    inflights.add(6, 20);
    inflights.add(9, 30);
    inflights.freeLE(6);
    expect(inflights.count).toBe(1);
    expect(inflights.bytes).toBe(30);
    inflights.freeLE(4);
    expect(inflights.count).toBe(1);
    inflights.freeFirstOne();
    expect(inflights.count).toBe(0);
    inflights.freeFirstOne();
    expect(inflights.bytes).toBe(0);
  });

  it('refuses out-of-order appends', () => {
    const inflights = new Inflights(10, 1000);
    inflights.add(5, 1);
    expect(() => inflights.add(5, 1)).toThrow(RaftInvariantError);
    inflights.reset();
    expect(inflights.count).toBe(0);
  });
});

describe('Progress', () => {
  const fresh = (): Progress => new Progress(11, false, 2, 1000);

  it('probes one append at a time until a response', () => {
    const pr = fresh();
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(3, 13, 30);
    expect(pr.isPaused()).toBe(true);
    expect(pr.maybeUpdate(13)).toBe(true);
    expect(pr.isPaused()).toBe(false);
    expect(pr.next).toBe(14);
    expect(pr.maybeUpdate(12)).toBe(false);
  });

  it('pipelines in REPLICATE until the window is full', () => {
    const pr = fresh();
    pr.maybeUpdate(10);
    pr.becomeReplicate();
    expect(pr.next).toBe(11);
    pr.sentEntries(2, 12, 10);
    pr.sentEntries(0, 12, 0);
    expect(pr.next).toBe(13);
    expect(pr.isPaused()).toBe(false);
    pr.sentEntries(1, 13, 10);
    expect(pr.isPaused()).toBe(true);
  });

  it('ignores stale rejections and backs off on fresh ones', () => {
    const pr = fresh();
    pr.maybeUpdate(5);
    pr.becomeReplicate();
    pr.sentEntries(3, 8, 10);
    expect(pr.maybeDecrTo(4, 4)).toBe(false);
    expect(pr.maybeDecrTo(7, 7)).toBe(true);
    expect(pr.next).toBe(6);
    pr.becomeProbe();
    // In PROBE only the rejection of the append just sent counts.
    expect(pr.maybeDecrTo(9, 2)).toBe(false);
    expect(pr.maybeDecrTo(5, 2)).toBe(true);
    expect(pr.next).toBe(6);
    pr.next = 20;
    expect(pr.maybeDecrTo(19, 12)).toBe(true);
    expect(pr.next).toBe(13);
  });

  it('tracks a snapshot transfer chunk by chunk', () => {
    const pr = fresh();
    pr.becomeSnapshot(meta);
    expect(pr.state).toBe(ProgressState.SNAPSHOT);
    expect(pr.isPaused()).toBe(true);
    pr.sentChunk();
    expect(pr.chunkInflight).toBe(true);
    expect(pr.maybeAckChunk(0)).toBe(false);
    expect(pr.maybeAckChunk(100)).toBe(true);
    expect(pr.maybeAckChunk(100)).toBe(false);
    expect(pr.snapshotOffset).toBe(100);
    pr.restartSnapshot();
    expect(pr.snapshotOffset).toBe(0);
    // Leaving SNAPSHOT resumes after the snapshot even before the follower confirms it.
    pr.becomeProbe();
    expect(pr.next).toBe(21);
    expect(pr.pendingSnapshot).toBeUndefined();
  });
});
