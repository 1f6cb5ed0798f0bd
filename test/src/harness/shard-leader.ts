import type { LocalCluster } from './local-cluster.js';
import { groupStatus, readNodeStatus } from './node-status.js';
import { pollUntil } from './poll.js';

const LEADER_TIMEOUT_MS = 30_000;

/**
 * The running node that leads `group` by its own word; if two claim it (a deposed leader that
 * has not heard yet), the one with the higher term. Undefined while no running node leads it.
 */
export const findShardLeader = async (cluster: LocalCluster, group: number): Promise<number | undefined> => {
  const claims = await Promise.all(
    cluster.runningIds().map(async (id) => {
      const status = await readNodeStatus(cluster.url(id));
      const own = status === undefined ? undefined : groupStatus(status, group);
      return own?.role === 'leader' ? { id, term: own.term } : undefined;
    }),
  );
  let best: { id: number; term: number } | undefined;
  for (const claim of claims) {
    if (claim !== undefined && (best === undefined || claim.term > best.term)) best = claim;
  }
  return best?.id;
};

/** Waits for a running node to lead `group`, other than `not` (a leader just killed, say). */
export const waitForShardLeader = (cluster: LocalCluster, group: number, not?: number): Promise<number> =>
  pollUntil(
    `a leader of group ${group}${not === undefined ? '' : ` other than node ${not}`}`,
    async () => {
      const leader = await findShardLeader(cluster, group);
      return leader === not ? undefined : leader;
    },
    { timeoutMs: LEADER_TIMEOUT_MS },
  );
