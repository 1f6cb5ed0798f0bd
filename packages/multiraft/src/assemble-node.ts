import { NO_NODE } from '@flotilla/raft';
import type { NodeId, Random } from '@flotilla/raft';
import { createKeyHasher, KvInputError, KvStateMachine } from '@flotilla/kv';
import type { NodeStore } from '@flotilla/storage';
import type { Transport } from '@flotilla/transport';
import { clusterSeedOf, loadOrBootstrap } from './bootstrap.js';
import { MultiRaftHost } from './host.js';
import type { HostObserver } from './host-observer.js';
import { preferredLeader, transferTarget } from './leader-placement.js';
import { NodeService } from './node-service.js';
import type { NodeConfig, RunningNode } from './node-config.js';
import { coreLogger } from './node-logger.js';
import type { NodeLogger } from './node-logger.js';
import { realTime, sleep } from './node-time.js';
import type { NodeTime } from './node-time.js';
import { decodePeerAnswer, decodePeerRequest, encodePeerMessage, errorAnswer } from './peer-rpc.js';
import { Replica } from './replica.js';
import { ServiceError } from './service.js';
import { ShardRouter } from './shard-router.js';
import { restoreMachine, SnapshotPolicy } from './snapshot-policy.js';

/** Idle groups quiesce after this many election timeouts without work. */
const QUIESCE_AFTER_ELECTION_TIMEOUTS = 2;
/** Hellos double as node liveness for quiesced groups: several per election timeout. */
const HELLOS_PER_ELECTION_TIMEOUT = 3;
/** At shutdown, how long leaderships may take to move before the node closes anyway, in election timeouts. */
const HANDOFF_ELECTION_TIMEOUTS = 2;

export interface NodeParts {
  readonly config: NodeConfig;
  readonly logger: NodeLogger;
  readonly store: NodeStore;
  /** Not started yet; the node starts it, and closes it with the store. */
  readonly transport: Transport;
  readonly random: Random;
  /** The event loop's clock and timers unless a simulator steps its own. */
  readonly time?: NodeTime;
  /**
   * A broken invariant: the node has stopped. By default the error is thrown outside any promise
   * chain, so the process dies loudly (law 5); a simulator takes it as a failed run instead.
   */
  readonly onFatal?: (error: unknown) => void;
  /** A simulator's safety checker, told what the node does; none in production. */
  readonly observer?: HostObserver;
}

/** A running node with its host reachable, for a simulator that steers and inspects its groups. */
export interface AssembledNode extends RunningNode {
  readonly host: MultiRaftHost;
}

/**
 * Rebuilds (or bootstraps) the node's replicas from its store and runs the loop over the
 * transport. The store and transport are injected, so tests run whole nodes in memory.
 */
export async function assembleNode(parts: NodeParts): Promise<AssembledNode> {
  const { config, logger, store, transport, random } = parts;
  const time = parts.time ?? realTime;
  const fatal = parts.onFatal ?? dieLoudly;
  const onFatal = (error: unknown): void => {
    logger.error({ err: error }, 'the node hit a broken invariant and stops');
    fatal(error);
  };
  const hasher = await createKeyHasher();
  const stored = await loadOrBootstrap(store, clusterSeedOf(config), hasher);
  const freshCluster = config.joining !== true && stored.every((group) => group.hardState.term <= 1 && group.entries.length === 0);

  const replicas: Replica[] = [];
  for (const group of stored) {
    const range = group.shard?.range;
    if (range === undefined) throw new Error(`group ${group.group} has no shard range`);
    const replica = new Replica(group, range, new KvStateMachine(hasher), {
      self: config.id,
      random,
      electionTimeoutTicks: config.electionTimeoutTicks,
      heartbeatIntervalTicks: config.heartbeatIntervalTicks,
      logger: coreLogger(logger, { group: group.group }),
    });
    await restoreMachine(replica, group.applyState.stateMachine, store);
    replicas.push(replica);
    const snapshotIndex = group.snapshotMeta?.index ?? 0;
    parts.observer?.onStart(group.group, {
      hardState: group.hardState,
      snapshot: group.snapshotMeta,
      entries: group.entries.filter((entry) => entry.index > snapshotIndex),
      applied: group.applyState.appliedIndex,
      stateDigest: replica.machine.digest(),
      conf: replica.raft.confState(),
    });
  }

  const snapshots = new SnapshotPolicy({
    store,
    thresholdEntries: config.snapshotThresholdEntries,
    thresholdBytes: config.snapshotThresholdBytes,
    logger,
    onFatal,
    observer: parts.observer,
  });
  const host = new MultiRaftHost({
    self: config.id,
    store,
    transport,
    replicas,
    tickIntervalMs: config.tickIntervalMs,
    electionTimeoutTicks: config.electionTimeoutTicks,
    quiesceAfterTicks: QUIESCE_AFTER_ELECTION_TIMEOUTS * config.electionTimeoutTicks,
    snapshots,
    logger,
    time,
    onFatal,
    observer: parts.observer,
  });
  const clientUrls = new Map<NodeId, string>([[config.id, config.advertiseClientUrl]]);
  const service = new NodeService({
    host,
    router: new ShardRouter(hasher, replicas),
    store,
    transport,
    clientUrls,
    requestTimeoutMs: config.requestTimeoutMs,
    maxPendingRequests: config.maxPendingRequests,
    maxPendingBytes: config.maxPendingBytes,
    time,
  });

  transport.onCall(async (from, body) => {
    const request = decodePeerRequest(body);
    if (request.kind === 'hello') {
      host.heardFrom(from, request.started);
      clientUrls.set(from, request.clientUrl);
      return encodePeerMessage({ kind: 'hello', clientUrl: config.advertiseClientUrl });
    }
    try {
      return encodePeerMessage(await service.executeForwarded(request.command));
    } catch (error) {
      if (error instanceof ServiceError) return encodePeerMessage(errorAnswer(error));
      if (error instanceof KvInputError) return encodePeerMessage(errorAnswer(new ServiceError('invalid_request', error.message)));
      throw error;
    }
  });
  await transport.start();
  host.start();

  // A fresh cluster's preferred leaders stand at once, so leaderships start out spread evenly.
  if (freshCluster) {
    for (const replica of replicas) {
      if (preferredLeader(replica) === config.id) host.atNextTurn(replica.group, (r) => r.raft.campaign());
    }
  }

  let closed = false;
  /** This process start, told with every hello so that peers notice a restart however quick. */
  const started = random.int(2 ** 31);
  const helloIntervalMs = Math.max(1, Math.floor(host.electionTimeoutMs / HELLOS_PER_ELECTION_TIMEOUT));
  const greet = (peer: NodeId): void => {
    transport
      .call(peer, encodePeerMessage({ kind: 'hello', clientUrl: config.advertiseClientUrl, started }), host.electionTimeoutMs)
      .then((reply) => {
        const answer = decodePeerAnswer(reply);
        if (answer.kind !== 'hello') return;
        clientUrls.set(peer, answer.clientUrl);
        host.heardFrom(peer);
      })
      // A peer that does not answer is down or unreachable; the next hello asks again.
      .catch(() => undefined);
  };
  const greetAll = (): void => {
    for (const peer of config.peers.keys()) if (peer !== config.id) greet(peer);
  };
  // At once, so that redirects carry the leader's URL from the start.
  greetAll();
  const stopGreeting = time.every(helloIntervalMs, greetAll, { background: true });

  const stopBalancing = time.every(
    config.balanceIntervalMs,
    () => {
      for (const replica of host.replicas.values()) {
        if (!replica.isLeader) continue;
        host.atNextTurn(replica.group, (r) => {
          const preferred = preferredLeader(r);
          if (preferred === config.id || transferTarget(r, preferred) === NO_NODE) return;
          logger.info({ group: r.group, to: preferred }, 'handing leadership back to its preferred node');
          r.raft.transferLeader(preferred);
        });
      }
    },
    { background: true },
  );

  const handOffLeaderships = async (): Promise<void> => {
    for (const replica of host.replicas.values()) {
      if (!replica.isLeader) continue;
      host.atNextTurn(replica.group, (r) => {
        const target = transferTarget(r);
        if (target !== NO_NODE) r.raft.transferLeader(target);
      });
    }
    const deadline = time.nowMs() + HANDOFF_ELECTION_TIMEOUTS * host.electionTimeoutMs;
    while ([...host.replicas.values()].some((replica) => replica.isLeader) && time.nowMs() < deadline) {
      await sleep(time, config.tickIntervalMs);
    }
  };

  return {
    service,
    host,
    close: async () => {
      if (closed) return;
      closed = true;
      stopBalancing();
      stopGreeting();
      service.stopAccepting();
      await handOffLeaderships();
      await service.drained();
      await host.stop();
      await transport.close();
      await store.close();
    },
  };
}

/** Thrown outside any promise chain, so the process dies loudly (law 5). */
const dieLoudly = (error: unknown): void => {
  setImmediate(() => {
    throw error;
  });
};
