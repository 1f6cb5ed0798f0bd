import type { Xoshiro128 } from '@flotilla/raft';
import { putKey } from '../harness/kv-api.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { outcomeKind } from '../harness/outcome-kind.js';
import { sleep } from '../harness/poll.js';
import type { WriteLog } from './write-log.js';

/** After a failed write, a pause: a leaderless shard should not be hammered. */
const BACKOFF_MS = 50;

export interface KeyWriterOptions {
  readonly client: number;
  /** Keys only this writer writes, so that a higher sequence on a key means a later write. */
  readonly keys: readonly string[];
  readonly cluster: LocalCluster;
  readonly random: Xoshiro128;
  readonly log: WriteLog;
  readonly stopped: () => boolean;
}

/** The value of a writer's `sequence`-th write, and back. */
export const writeValue = (client: number, sequence: number): string => `c${client}-s${sequence}`;

export const parseWriteValue = (value: string): { client: number; sequence: number } | undefined => {
  const match = /^c([0-9]+)-s([0-9]+)$/.exec(value);
  return match === null ? undefined : { client: Number(match[1]), sequence: Number(match[2]) };
};

/**
 * One client writing its keys in turn, one write at a time, through a random running node,
 * until stopped. Every acknowledged write goes into the log; failures are retried with the
 * next sequence, so an unacknowledged write may still have landed.
 */
export const runKeyWriter = async (options: KeyWriterOptions): Promise<void> => {
  const { client, keys, cluster, random, log } = options;
  let sequence = 0;
  while (!options.stopped()) {
    const running = cluster.runningIds();
    if (running.length === 0) {
      await sleep(BACKOFF_MS);
      continue;
    }
    sequence++;
    const key = keys[sequence % keys.length] as string;
    const value = writeValue(client, sequence);
    log.sent(key, sequence);
    const sentAtMs = performance.now();
    const outcome = await putKey(cluster.url(random.pick(running)), key, value);
    if (outcome.kind === 'response' && outcome.status === 200) {
      log.acknowledge({ key, value, sequence, sentAtMs, acknowledgedAtMs: performance.now() });
    } else {
      log.failed(outcomeKind(outcome));
      await sleep(BACKOFF_MS);
    }
  }
};
