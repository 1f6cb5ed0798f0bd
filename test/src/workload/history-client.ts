import type { Xoshiro128 } from '@flotilla/raft';
import type { HistoryRecorder } from '@flotilla/testkit';
import { errorCode, responseJson, responseText } from '../harness/http-outcome.js';
import type { HttpOutcome, HttpResponse } from '../harness/http-outcome.js';
import { deleteKey, getKey, putKey } from '../harness/kv-api.js';
import type { LocalCluster } from '../harness/local-cluster.js';
import { outcomeKind } from '../harness/outcome-kind.js';
import { sleep } from '../harness/poll.js';
import type { ValueRevisions } from './value-revisions.js';

const GET_SHARE = 0.4;
const PUT_SHARE = 0.25;
const DELETE_SHARE = 0.1;
/** A pause between operations keeps the history small enough to check quickly. */
const MAX_THINK_MS = 8;
/** Past the server's own request timeout, so its 504 normally comes first. */
const REQUEST_TIMEOUT_MS = 6_000;

export interface HistoryClientOptions {
  readonly client: number;
  readonly keys: readonly string[];
  readonly cluster: LocalCluster;
  readonly random: Xoshiro128;
  readonly recorder: HistoryRecorder;
  readonly revisions: ValueRevisions;
  readonly maxOperations: number;
  readonly stopped: () => boolean;
  /** Outcomes the contract does not allow, for the test to report. */
  readonly unexpected: string[];
  /** How many requests failed, by kind (`refused`, `503 no_leader`, ...): what the run went through. */
  readonly failures: Map<string, number>;
}

/** Nothing was proposed: the connection was refused, or the node said "not now" (429, 503). */
const isRefusedBeforeProposing = (outcome: HttpOutcome): boolean =>
  outcome.kind === 'refused' || (outcome.kind === 'response' && (outcome.status === 429 || outcome.status === 503));

const isUnknownOutcome = (outcome: HttpOutcome): boolean => outcome.kind === 'lost' || (outcome.kind === 'response' && outcome.status === 504);

const modRevisionOf = (response: HttpResponse): number => {
  const revision = (responseJson(response) as { mod_revision?: unknown }).mod_revision;
  if (typeof revision !== 'number') throw new Error(`a write answered 200 without a mod_revision: ${responseText(response)}`);
  return revision;
};

/** A compare-and-swap this client can state: the value it expects (null: absent) and that value's revision. */
interface CasExpectation {
  readonly value: string | null;
  readonly revision: number;
}

/**
 * One client of a linearizability run: gets, blind puts, deletes and compare-and-swaps on a few keys,
 * one at a time, each through a random running node, every call and return recorded. A write
 * the node refused before proposing is forgotten; one whose fate is unknown stays in the
 * history as unknown.
 */
class HistoryClient {
  /** What this client last saw in each key (null: absent); a cas expects it. */
  private readonly lastSeen = new Map<string, string | null>();
  private written = 0;

  constructor(private readonly options: HistoryClientOptions) {}

  async run(): Promise<void> {
    const { random, keys, cluster } = this.options;
    for (let operation = 0; operation < this.options.maxOperations && !this.options.stopped(); operation++) {
      await sleep(random.int(MAX_THINK_MS + 1));
      const running = cluster.runningIds();
      if (running.length === 0) continue;
      const url = cluster.url(random.pick(running));
      const key = random.pick(keys);
      const draw = random.float();
      const expectation = this.casExpectation(key);
      if (draw < GET_SHARE) await this.get(url, key);
      else if (draw < GET_SHARE + PUT_SHARE) await this.put(url, key);
      else if (draw < GET_SHARE + PUT_SHARE + DELETE_SHARE) await this.delete(url, key);
      else if (expectation !== undefined) await this.compareAndSwap(url, key, expectation);
      else await this.get(url, key);
    }
  }

  private casExpectation(key: string): CasExpectation | undefined {
    const value = this.lastSeen.get(key);
    if (value === undefined) return undefined;
    const revision = value === null ? 0 : this.options.revisions.of(value);
    return revision === undefined ? undefined : { value, revision };
  }

  private async get(url: string, key: string): Promise<void> {
    const { client, recorder, revisions } = this.options;
    const handle = recorder.invoke(client, { op: 'get', key });
    const outcome = await getKey(url, key, 'linearizable', REQUEST_TIMEOUT_MS);
    if (outcome.kind === 'response' && outcome.status === 200) {
      const value = responseText(outcome);
      revisions.learn(value, Number(outcome.headers.get('x-flotilla-mod-revision')));
      recorder.complete(handle, { value });
      this.lastSeen.set(key, value);
    } else if (outcome.kind === 'response' && errorCode(outcome) === 'key_not_found') {
      recorder.complete(handle, { value: null });
      this.lastSeen.set(key, null);
    } else {
      this.failed('get', outcome);
      recorder.abandon(handle);
    }
  }

  private async put(url: string, key: string): Promise<void> {
    const value = this.nextValue();
    const handle = this.options.recorder.invoke(this.options.client, { op: 'put', key, value });
    const outcome = await putKey(url, key, value, { timeoutMs: REQUEST_TIMEOUT_MS });
    if (outcome.kind === 'response' && outcome.status === 200) {
      this.wrote(key, value, modRevisionOf(outcome));
      this.options.recorder.complete(handle, {});
    } else {
      this.failedWrite(handle, outcome);
    }
  }

  private async delete(url: string, key: string): Promise<void> {
    const handle = this.options.recorder.invoke(this.options.client, { op: 'delete', key });
    const outcome = await deleteKey(url, key, { timeoutMs: REQUEST_TIMEOUT_MS });
    if (outcome.kind === 'response' && outcome.status === 200) {
      const deleted = (responseJson(outcome) as { deleted?: unknown }).deleted;
      if (typeof deleted !== 'boolean') throw new Error(`a delete answered 200 without "deleted": ${responseText(outcome)}`);
      this.options.recorder.complete(handle, { succeeded: deleted });
      this.lastSeen.set(key, null);
    } else {
      this.failedWrite(handle, outcome);
    }
  }

  private async compareAndSwap(url: string, key: string, expectation: CasExpectation): Promise<void> {
    const value = this.nextValue();
    const handle = this.options.recorder.invoke(this.options.client, { op: 'cas', key, expect: expectation.value, value });
    const outcome = await putKey(url, key, value, { ifRevision: expectation.revision, timeoutMs: REQUEST_TIMEOUT_MS });
    if (outcome.kind === 'response' && outcome.status === 200) {
      this.wrote(key, value, modRevisionOf(outcome));
      this.options.recorder.complete(handle, { succeeded: true });
    } else if (outcome.kind === 'response' && errorCode(outcome) === 'compare_failed') {
      this.options.recorder.complete(handle, { succeeded: false });
      this.lastSeen.delete(key);
    } else {
      this.failedWrite(handle, outcome);
    }
  }

  private nextValue(): string {
    return `c${this.options.client}-w${++this.written}`;
  }

  private wrote(key: string, value: string, revision: number): void {
    this.options.revisions.learn(value, revision);
    this.lastSeen.set(key, value);
  }

  private failedWrite(handle: number, outcome: HttpOutcome): void {
    this.failed('write', outcome);
    if (isRefusedBeforeProposing(outcome)) this.options.recorder.forget(handle);
    else this.options.recorder.abandon(handle);
  }

  private failed(what: 'get' | 'write', outcome: HttpOutcome): void {
    const kind = outcomeKind(outcome);
    const { failures, unexpected } = this.options;
    failures.set(`${what} ${kind}`, (failures.get(`${what} ${kind}`) ?? 0) + 1);
    if (!isRefusedBeforeProposing(outcome) && !isUnknownOutcome(outcome)) unexpected.push(`client ${this.options.client} ${what}: ${kind}`);
  }
}

export const runHistoryClient = (options: HistoryClientOptions): Promise<void> => new HistoryClient(options).run();
