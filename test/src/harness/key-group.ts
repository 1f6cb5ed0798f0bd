import { responseJson } from './http-outcome.js';
import { proposeCommand } from './kv-api.js';
import type { LocalCluster } from './local-cluster.js';
import { pollUntil } from './poll.js';

const GROUP_TIMEOUT_MS = 30_000;

/**
 * The group that owns `key`, in the server's own words: a compare that cannot succeed (no key
 * reaches revision 2^53 - 1) is proposed on each node until the one leading the key's shard
 * commits it and names its group. It changes no data, and needs no copy of the server's hashing.
 */
export const groupOfKey = (cluster: LocalCluster, key: string): Promise<number> =>
  pollUntil(
    `the group of key ${JSON.stringify(key)}`,
    async () => {
      for (const id of cluster.runningIds()) {
        const outcome = await proposeCommand(cluster.url(id), { op: 'delete', key, if_revision: Number.MAX_SAFE_INTEGER });
        if (outcome.kind !== 'response' || outcome.status !== 200) continue;
        const body = responseJson(outcome) as { group?: unknown; result?: { succeeded?: unknown } };
        if (typeof body.group !== 'number' || body.result?.succeeded !== false) {
          throw new Error(`POST /propose answered an unexpected body: ${JSON.stringify(body)}`);
        }
        return body.group;
      }
      return undefined;
    },
    { timeoutMs: GROUP_TIMEOUT_MS },
  );
