import { afterEach, describe, expect, it } from 'vitest';
import { NO_NODE, Role } from '@flotilla/raft';
import type { GroupId, NodeId } from '@flotilla/raft';
import { ServiceError } from './service.js';
import type { GroupStatus, KvService } from './service.js';
import { bytes, gatedSnapshots, InMemoryCluster, waitFor } from './testing/in-memory-cluster.js';

const SEED = 97;
/** Only a node that waits for the held snapshot before closing its store needs this hand-over. */
const HAND_OVER_AFTER_MS = 200;

describe(`closing a node gracefully (seed ${SEED})`, () => {
  let cluster: InMemoryCluster | undefined;
  afterEach(() => cluster?.close());

  const ledBy = (c: InMemoryCluster, id: NodeId): GroupId[] => c.groupIds().filter((group) => c.leaderOf(group) === id);

  const expectHandedOff = async (c: InMemoryCluster, closed: NodeId, groups: readonly GroupId[]): Promise<void> => {
    const service = c.node(closed).service;
    const statusOf = (group: GroupId): GroupStatus | undefined => service.status().groups.find((status) => status.group === group);
    const terms = new Map(groups.map((group) => [group, statusOf(group)?.term]));
    await c.stopNode(closed);
    for (const group of groups) {
      // The closed node's last view: it stepped down before closing (the handoff did not run out of time).
      expect(statusOf(group)?.role).toBe(Role.FOLLOWER);
      expect(statusOf(group)?.term).toBeGreaterThan(terms.get(group) ?? Number.POSITIVE_INFINITY);
      const successor = await waitFor(`another node to lead group ${group}`, () => c.leaderOf(group));
      expect(successor).not.toBe(closed);
    }
  };

  it('hands every leadership it holds to another node before it closes', async () => {
    cluster = await InMemoryCluster.start({ shards: 6, seed: SEED });
    const closing = cluster.ids[0] as NodeId;
    const groups = ledBy(cluster, closing);
    expect(groups.length).toBeGreaterThan(0);
    await expectHandedOff(cluster, closing, groups);
  });

  it('hands off the leaderships of quiesced groups too', async () => {
    cluster = await InMemoryCluster.start({ shards: 3, seed: SEED + 1 });
    const c = cluster;
    await c.node(c.ids[0] as NodeId).service.execute({ op: 'put', key: bytes('quiet'), value: bytes('v') });
    await c.waitQuiesced();
    const closing = c.ids[1] as NodeId;
    await expectHandedOff(c, closing, ledBy(c, closing));
  });

  it('refuses new requests once closing, as shutting_down', async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED + 2 });
    const closing = cluster.ids[2] as NodeId;
    const service = cluster.node(closing).service;
    const closed = cluster.stopNode(closing);
    expect(service.isReady()).toBe(false);
    await expect(service.get(bytes('k'), { kind: 'stale' })).rejects.toMatchObject({ code: 'shutting_down' });
    await expect(service.execute({ op: 'put', key: bytes('k'), value: bytes('v') })).rejects.toBeInstanceOf(ServiceError);
    await closed;
  });

  /** Starts the requests on `closing`, then (after `meanwhile`) closes it while they are in flight. */
  const closeUnder = async <T,>(
    c: InMemoryCluster,
    closing: NodeId,
    requests: readonly ((service: KvService) => Promise<T>)[],
    meanwhile: () => Promise<unknown> = async () => undefined,
  ) => {
    const settled = new Set<number>();
    const service = c.node(closing).service;
    const inFlight = requests.map((request, i) => {
      const answer = request(service);
      void answer.then(
        () => settled.add(i),
        () => settled.add(i),
      );
      return answer;
    });
    await meanwhile();
    await c.stopNode(closing);
    // Lets the answers that close() itself caused run their callbacks.
    await new Promise((resolve) => setImmediate(resolve));
    const settledAtClose = new Set(settled);
    return { outcomes: await Promise.allSettled(inFlight), settledAtClose };
  };

  const inFlightKeys = (prefix: string): Uint8Array[] => Array.from({ length: 30 }, (_, i) => bytes(`${prefix}/${i}`));
  const putOf = (key: Uint8Array) => (service: KvService) => service.execute({ op: 'put', key, value: bytes('v') });

  it('answers every request in flight before close() resolves, even those waiting for a leader', async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED + 3, config: { requestTimeoutMs: 3_000 } });
    const c = cluster;
    const closing = c.ids[0] as NodeId;
    const keys = inFlightKeys('answered-by-close');
    const requests = [
      ...keys.map((key) => putOf(key)),
      ...keys.map((key) => (service: KvService) => service.get(key, { kind: 'linearizable' })),
    ];
    // Cut off, the node soon knows no leader for any group (the requests wake the groups it led,
    // which then step down): the requests wait for a leader when the node closes.
    c.hub.partition([closing], c.ids.filter((id) => id !== closing));
    const { settledAtClose } = await closeUnder<unknown>(c, closing, requests, () =>
      waitFor(`node ${closing} to know no leader`, () =>
        c.node(closing).service.status().groups.every((group) => group.leader === NO_NODE) ? true : undefined,
      ),
    );
    c.hub.heal();
    const unanswered = requests.map((_, i) => i).filter((i) => !settledAtClose.has(i));
    expect(unanswered.map((i) => `${i < keys.length ? 'put' : 'get'} ${i % keys.length}`)).toEqual([]);
  }, 15_000);

  it('answers writes in flight at close honestly: committed, refused before proposing, or of unknown outcome', async () => {
    cluster = await InMemoryCluster.start({ shards: 2, seed: SEED + 4, config: { requestTimeoutMs: 1_000 } });
    const c = cluster;
    const keys = inFlightKeys('honest');
    const { outcomes } = await closeUnder(c, c.ids[0] as NodeId, keys.map((key) => putOf(key)));

    const reader = c.node(c.ids[1] as NodeId).service;
    for (const [i, outcome] of outcomes.entries()) {
      const read = await reader.get(keys[i] as Uint8Array, { kind: 'linearizable' });
      if (outcome.status === 'fulfilled') {
        expect({ i, found: read !== undefined }).toEqual({ i, found: true });
        continue;
      }
      expect(outcome.reason).toBeInstanceOf(ServiceError);
      const code = (outcome.reason as ServiceError).code;
      expect(['shutting_down', 'no_leader', 'not_leader', 'unknown_outcome', 'timeout']).toContain(code);
      // Refused before it was proposed: it must not have happened.
      if (code === 'shutting_down' || code === 'no_leader' || code === 'not_leader') {
        expect({ i, code, found: read !== undefined }).toEqual({ i, code, found: false });
      }
    }
  });

  it('lets a snapshot being written finish before the store closes, and restarts from what it stored', async () => {
    cluster = await InMemoryCluster.start({ shards: 1, seed: SEED + 5, config: { snapshotThresholdEntries: 20 } });
    const c = cluster;
    const group = c.groupIds()[0] as GroupId;
    const closing = c.ids[0] as NodeId;
    const slowTake = gatedSnapshots();
    await c.restartNode(closing, slowTake.wrap);
    await c.waitReady();
    await c.isolateLeadersUntil(group, closing);
    // A follower that missed more than the leader keeps makes it write a snapshot file.
    const follower = c.ids[1] as NodeId;
    await c.stopNode(follower);
    const keys = Array.from({ length: 30 }, (_, i) => bytes(`closing-snapshot/${i}`));
    for (const key of keys) await c.node(closing).service.execute({ op: 'put', key, value: bytes('v') });
    await c.startNode(follower);
    await waitFor(`node ${closing} to start writing a snapshot file`, () => (slowTake.started() ? true : undefined));

    // The held file is handed over when the store closes, or after a while to a node that waits for it.
    const handOver = setTimeout(slowTake.release, HAND_OVER_AFTER_MS);
    await c.stopNode(closing);
    clearTimeout(handOver);
    // A snapshot left running would finish now, on a closed store.
    await new Promise((resolve) => setImmediate(resolve));
    expect(c.log.filter((line) => line.node === closing && line.level === 'error')).toEqual([]);

    await c.startNode(closing);
    await c.waitReady();
    const expected = await c.node(c.ids[1] as NodeId).service.scan(bytes('closing-snapshot/'), 100, { kind: 'linearizable' });
    expect(expected.items).toHaveLength(keys.length);
    await waitFor(`node ${closing} to apply group ${group}`, () =>
      c.groupStatus(closing, group).appliedIndex >= c.groupStatus(c.ids[1] as NodeId, group).commitIndex ? true : undefined,
    );
    expect(await c.node(closing).service.scan(bytes('closing-snapshot/'), 100, { kind: 'stale' })).toEqual(expected);
  });
});
