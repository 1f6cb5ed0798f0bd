import { describeOutcome } from '../harness/http-outcome.js';
import type { HttpOutcome } from '../harness/http-outcome.js';
import { deleteKey, putKey } from '../harness/kv-api.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { sleep } from '../harness/poll.js';

const RETRY_TIMEOUT_MS = 30_000;
const BACKOFF_MS = 50;

/** Refusals that say "nothing happened, try again": no leader yet, or a node too busy. */
const isRetryable = (outcome: HttpOutcome): boolean =>
  outcome.kind === 'refused' || (outcome.kind === 'response' && (outcome.status === 503 || outcome.status === 429));

/**
 * Sends an idempotent write (a blind put or delete) through the running nodes in turn until one
 * acknowledges it. A lost answer is retried too: repeating such a write changes nothing.
 */
const writeUntilAcknowledged = async (cluster: LocalCluster, what: string, send: (url: string) => Promise<HttpOutcome>): Promise<void> => {
  const deadline = Date.now() + RETRY_TIMEOUT_MS;
  for (let attempt = 0; ; attempt++) {
    const running = cluster.runningIds();
    const id = running[attempt % Math.max(1, running.length)];
    const outcome = id === undefined ? undefined : await send(cluster.url(id));
    if (outcome?.kind === 'response' && outcome.status === 200) return;
    if (outcome !== undefined && !isRetryable(outcome) && outcome.kind !== 'lost') {
      throw new Error(`${what} through node ${id}: ${describeOutcome(outcome)}`);
    }
    if (Date.now() >= deadline) {
      throw new Error(`${what} was not acknowledged within ${RETRY_TIMEOUT_MS} ms; last: ${outcome === undefined ? 'no node running' : describeOutcome(outcome)}`);
    }
    await sleep(BACKOFF_MS);
  }
};

export const putUntilAcknowledged = (cluster: LocalCluster, key: string, value: string): Promise<void> =>
  writeUntilAcknowledged(cluster, `put ${key}`, (url) => putKey(url, key, value));

export const deleteUntilAcknowledged = (cluster: LocalCluster, key: string): Promise<void> =>
  writeUntilAcknowledged(cluster, `delete ${key}`, (url) => deleteKey(url, key));
