import { describe, expect, it } from 'vitest';
import { TestCluster, bytes } from './testing/test-cluster.js';
import { Xoshiro128 } from './xoshiro128.js';
import type { Message } from './types.js';

// Seeded message chaos (loss, duplication, reordering, partitions, restarts) on a small group,
// checking that applied logs never diverge and that the group recovers once the network heals.

const runChaos = (seed: number): void => {
  const random = new Xoshiro128(seed);
  const cluster = new TestCluster([1, 2, 3, 4, 5], {
    seed,
    config: { snapshotChunkBytes: 16, maxMessageBytes: 64, maxInflightMessages: 4 },
  });
  let proposed = 0;
  const chaosStep = (): void => {
    for (const replica of cluster.replicas.values()) {
      if (random.int(10) < 9) replica.node.tick();
      while (cluster.processReady(replica));
    }
    const batch = cluster.queue;
    cluster.queue = [];
    const kept: Message[] = [];
    for (const message of batch) {
      const roll = random.int(100);
      if (roll < 10) continue;
      kept.push(message);
      if (roll < 15) kept.push(message);
    }
    for (let i = kept.length - 1; i > 0; i--) {
      const j = random.int(i + 1);
      [kept[i], kept[j]] = [kept[j] as Message, kept[i] as Message];
    }
    for (const message of kept) cluster.deliver(message);
  };
  for (let step = 0; step < 600; step++) {
    if (step % 100 === 0) {
      cluster.heal();
      const victim = 1 + random.int(5);
      if (step % 200 === 0) cluster.isolate(victim);
    }
    if (step % 150 === 75) {
      // A crash: unsent messages are lost, the replica resumes from its durable storage.
      const victim = 1 + random.int(5);
      cluster.queue = cluster.queue.filter((m) => m.from !== victim);
      cluster.restart(victim);
    }
    const leader = cluster.leader();
    if (leader !== undefined && random.int(3) === 0) {
      try {
        cluster.node(leader).propose(bytes(`v${proposed}`));
        proposed++;
      } catch {
        // Refused proposals (transfer, limits) are fine here.
      }
    }
    if (leader !== undefined && step % 97 === 0) {
      const replica = cluster.get(leader);
      const applied = replica.node.status().applied;
      if (applied > replica.storage.snapshot().index) {
        replica.storage.createSnapshot(applied, replica.node.confState(), bytes(JSON.stringify(replica.applied)));
        replica.storage.compact(applied);
      }
    }
    chaosStep();
  }
  cluster.heal();
  for (let i = 0; i < 200 && cluster.leader() === undefined; i++) cluster.tick(1);
  const leader = cluster.leader();
  expect(leader, `seed ${seed}: no leader after healing`).toBeDefined();
  cluster.propose(leader as number, 'final');
  cluster.tick(30);
  const reference = cluster.get(leader as number).applied;
  expect(reference.at(-1), `seed ${seed}`).toBe('final');
  for (const replica of cluster.replicas.values()) {
    expect(replica.applied, `seed ${seed}: replica ${replica.id} diverged`).toEqual(reference);
  }
};

describe('chaos', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]) {
    it(`keeps replicas consistent under loss, duplication and reordering (seed ${seed})`, () => runChaos(seed));
  }
});
