import type { LocalCluster } from './local-cluster.js';
import { readNodeStatus } from './node-status.js';
import { pollUntil } from './poll.js';

/** Each group's commit index as the running node that leads it reports it. */
export const leaderCommitIndexes = async (cluster: LocalCluster): Promise<Map<number, number>> => {
  const commits = new Map<number, { term: number; commitIndex: number }>();
  for (const id of cluster.runningIds()) {
    const status = await readNodeStatus(cluster.url(id));
    for (const group of status?.groups ?? []) {
      const known = commits.get(group.group);
      if (group.role === 'leader' && (known === undefined || group.term > known.term)) {
        commits.set(group.group, { term: group.term, commitIndex: group.commit_index });
      }
    }
  }
  return new Map([...commits].map(([group, { commitIndex }]) => [group, commitIndex]));
};

/** Waits until node `id` has applied every group at least up to `targets` (group → index). */
export const waitForApplied = (cluster: LocalCluster, id: number, targets: ReadonlyMap<number, number>, timeoutMs: number): Promise<true> =>
  pollUntil(
    `node ${id} to apply ${[...targets].map(([group, index]) => `group ${group} to ${index}`).join(', ')}`,
    async () => {
      const status = await readNodeStatus(cluster.url(id));
      if (status === undefined) return undefined;
      for (const [group, index] of targets) {
        const applied = status.groups.find((candidate) => candidate.group === group)?.applied_index;
        if (applied === undefined || applied < index) return undefined;
      }
      return true;
    },
    { timeoutMs },
  );
