import { Agent } from 'undici';
import { toBytes } from './bytes.js';
import type { Bytes } from './bytes.js';
import { Deadline } from './deadline.js';
import { EndpointPool } from './endpoint-pool.js';
import { errorFromResponse } from './error-from-response.js';
import { CompareFailedError, FlotillaError, InvalidRequestError, NotFoundError } from './errors.js';
import { attempt } from './http-attempt.js';
import type { AttemptOutcome } from './http-attempt.js';
import { DEFAULT_OPTIONS } from './options.js';
import type { CallOptions, FlotillaOptions } from './options.js';
import { percentEncode } from './percent-encode.js';
import { RequestRunner } from './request-runner.js';
import type { Answer } from './request-runner.js';
import type { CasResult, DeleteResult, EndpointReport, Health, KeyValue, NodeStatus, PutResult, ReadConsistency, ScanResult } from './types.js';
import { deleteResultFromJson, nodeStatusFromJson, putResultFromJson, scanResultFromJson } from './wire-json.js';

export interface GetOptions extends CallOptions {
  /** Default `'linearizable'`. */
  readonly consistency?: ReadConsistency;
}

export interface PutOptions extends CallOptions {
  /** Write only if the key's mod revision is this; 0 means only if the key does not exist. */
  readonly ifRevision?: number;
}

export interface DeleteOptions extends CallOptions {
  /** Delete only if the key's mod revision is this. */
  readonly ifRevision?: number;
}

export interface ScanOptions extends CallOptions {
  /** At most this many keys (1 to 10000); default 100. `more` says whether there were more. */
  readonly limit?: number;
  /** Default `'linearizable'`. */
  readonly consistency?: ReadConsistency;
}

const KV_PATH = '/v1/kv';
const REVISION_HEADERS = {
  create: 'x-flotilla-create-revision',
  mod: 'x-flotilla-mod-revision',
  version: 'x-flotilla-version',
} as const;

/** `/v1/kv/<key>`: every byte but a few letters escaped, so the key arrives exactly as given. */
const keyPath = (key: Uint8Array): string => {
  const encoded = percentEncode(key);
  // A URL parser folds these path segments away, escaped or not, so no request can name them.
  if (encoded === '%2E' || encoded === '%2E%2E') {
    throw new InvalidRequestError('the keys "." and ".." cannot be named over HTTP', { code: 'bad_key' });
  }
  return `${KV_PATH}/${encoded}`;
};

const query = (params: readonly (readonly [string, string | number | undefined])[]): string => {
  const given = params.filter((param): param is readonly [string, string | number] => param[1] !== undefined);
  return given.length === 0 ? '' : `?${given.map(([name, value]) => `${name}=${value}`).join('&')}`;
};

const consistencyParams = (consistency: ReadConsistency | undefined): [string, string | number | undefined][] => {
  if (consistency === undefined || consistency === 'linearizable') return [];
  if (consistency === 'stale') return [['consistency', 'stale']];
  return [
    ['consistency', 'bounded'],
    ['max_staleness_ms', consistency.maxStalenessMs],
  ];
};

const revisionHeader = (answer: Answer, name: string): number => {
  const text = answer.headers[name];
  const value = text !== undefined && /^(0|[1-9][0-9]*)$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value)) {
    throw new FlotillaError(`${answer.endpoint}: unexpected answer: header ${name} is "${text}"`, {
      code: 'bad_response',
      endpoint: answer.endpoint,
    });
  }
  return value;
};

const utf8Text = new TextDecoder();

/** The `reason` of an unhealthy node's `{"health":"false","reason":...}`, if it gave one. */
const healthReason = (body: Uint8Array): string | undefined => {
  try {
    const parsed: unknown = JSON.parse(utf8Text.decode(body));
    const reason = typeof parsed === 'object' && parsed !== null && 'reason' in parsed ? parsed.reason : undefined;
    return typeof reason === 'string' ? reason : undefined;
  } catch {
    return undefined;
  }
};

/**
 * A client of a Flotilla cluster. Any node serves any request (it forwards to the shard's
 * leader), so the client spreads calls over `endpoints` round-robin and moves past one that
 * cannot be reached. Connections are kept alive and reused (undici's per-origin pools).
 *
 * Every call has a deadline (`requestTimeoutMs`, or the call's `timeoutMs`) and takes an
 * `AbortSignal`. Reads are retried until the deadline; a write is retried only when it was
 * refused before the cluster acted on it, and a write whose fate is unknown rejects with
 * {@link UnknownOutcomeError}. Call {@link Flotilla.close} when done.
 *
 * ```ts
 * const flotilla = new Flotilla({ endpoints: ['127.0.0.1:7001', '127.0.0.1:7002'] });
 * const { modRevision } = await flotilla.put('config/mode', 'fast');
 * const found = await flotilla.get('config/mode');
 * await flotilla.cas('config/mode', modRevision, 'safe');
 * await flotilla.close();
 * ```
 */
export class Flotilla {
  private readonly agent: Agent;
  private readonly pool: EndpointPool;
  private readonly runner: RequestRunner;
  private readonly requestTimeoutMs: number;

  constructor(options: FlotillaOptions) {
    const settings = { ...DEFAULT_OPTIONS, ...options };
    this.pool = new EndpointPool(options.endpoints, settings.endpointCooldownMs);
    this.agent = new Agent({
      connections: settings.maxConnectionsPerEndpoint,
      keepAliveTimeout: settings.keepAliveTimeoutMs,
      connect: { timeout: settings.connectTimeoutMs },
    });
    this.requestTimeoutMs = settings.requestTimeoutMs;
    this.runner = new RequestRunner(this.agent, this.pool, settings, settings.requestTimeoutMs);
  }

  /** The endpoints as origins (`http://host:port`), in the order given, duplicates dropped. */
  get endpoints(): readonly string[] {
    return this.pool.origins;
  }

  /** The key's value and revisions, or `undefined` when there is no such key. */
  async get(key: Bytes, options: GetOptions = {}): Promise<KeyValue | undefined> {
    const keyBytes = toBytes(key);
    const path = keyPath(keyBytes) + query(consistencyParams(options.consistency));
    let answer: Answer;
    try {
      answer = await this.runner.run({ method: 'GET', path, isWrite: false }, options);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    return {
      key: keyBytes,
      value: answer.body,
      createRevision: revisionHeader(answer, REVISION_HEADERS.create),
      modRevision: revisionHeader(answer, REVISION_HEADERS.mod),
      version: revisionHeader(answer, REVISION_HEADERS.version),
    };
  }

  /** Writes the key. With `ifRevision`, a compare that does not hold rejects with {@link CompareFailedError}. */
  async put(key: Bytes, value: Bytes, options: PutOptions = {}): Promise<PutResult> {
    const path = keyPath(toBytes(key)) + query([['if_revision', options.ifRevision]]);
    const answer = await this.runner.run({ method: 'PUT', path, body: toBytes(value), isWrite: true }, options);
    return putResultFromJson(answer.body, answer.endpoint);
  }

  /** Deletes the key; `deleted` is false when it did not exist. */
  async delete(key: Bytes, options: DeleteOptions = {}): Promise<DeleteResult> {
    const path = keyPath(toBytes(key)) + query([['if_revision', options.ifRevision]]);
    const answer = await this.runner.run({ method: 'DELETE', path, isWrite: true }, options);
    return deleteResultFromJson(answer.body, answer.endpoint);
  }

  /**
   * Compare-and-swap: writes `value` only if the key's mod revision is `expectedRevision` (0:
   * only if it does not exist). A failed compare is answered, not thrown, with the key's
   * current revision to retry from.
   */
  async cas(key: Bytes, expectedRevision: number, value: Bytes, options: CallOptions = {}): Promise<CasResult> {
    try {
      return { succeeded: true, ...(await this.put(key, value, { ...options, ifRevision: expectedRevision })) };
    } catch (error) {
      if (error instanceof CompareFailedError) return { succeeded: false, currentRevision: error.currentRevision };
      throw error;
    }
  }

  /** Keys starting with `prefix` (every key for an empty one), sorted, across every shard. */
  async scan(prefix: Bytes, options: ScanOptions = {}): Promise<ScanResult> {
    const path =
      KV_PATH + query([['prefix', percentEncode(toBytes(prefix))], ['limit', options.limit], ...consistencyParams(options.consistency)]);
    const answer = await this.runner.run({ method: 'GET', path, isWrite: false }, options);
    return scanResultFromJson(answer.body, answer.endpoint);
  }

  /** Each endpoint's own view of its shards (`GET /v1/status`), asked once, in parallel. */
  async endpointStatus(options: CallOptions = {}): Promise<EndpointReport<NodeStatus>[]> {
    return this.askEach('/v1/status', options, (outcome, origin) => {
      if (outcome.status !== 200) throw errorFromResponse({ ...outcome, retryAfter: outcome.headers['retry-after'], endpoint: origin }, false);
      return nodeStatusFromJson(outcome.body, origin);
    });
  }

  /** Whether each endpoint is healthy (`GET /health`): every shard there knows a leader. */
  async endpointHealth(options: CallOptions = {}): Promise<EndpointReport<Health>[]> {
    return this.askEach('/health', options, (outcome) => {
      if (outcome.status === 200) return { healthy: true };
      const reason = healthReason(outcome.body);
      return reason === undefined ? { healthy: false } : { healthy: false, reason };
    });
  }

  /** Closes the kept-alive connections; calls after this fail. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** One request to every endpoint, no retries: a report per endpoint, in `endpoints` order. */
  private async askEach<T>(
    path: string,
    options: CallOptions,
    read: (answer: Extract<AttemptOutcome, { kind: 'answer' }>, origin: string) => T,
  ): Promise<EndpointReport<T>[]> {
    const deadline = new Deadline(options.timeoutMs ?? this.requestTimeoutMs, options.signal);
    try {
      return await Promise.all(
        this.pool.origins.map(async (origin): Promise<EndpointReport<T>> => {
          const startedMs = performance.now();
          const outcome = await attempt(this.agent, origin, { method: 'GET', path, isWrite: false }, deadline.signal);
          const tookMs = performance.now() - startedMs;
          if (outcome.kind !== 'answer') {
            const error = outcome.kind === 'stopped' && deadline.stopped === 'aborted' ? deadline.abortReason : outcome.error;
            return { endpoint: origin, ok: false, error: error instanceof Error ? error : new Error(String(error)), tookMs };
          }
          try {
            return { endpoint: origin, ok: true, value: read(outcome, origin), tookMs };
          } catch (error) {
            return { endpoint: origin, ok: false, error: error as Error, tookMs };
          }
        }),
      );
    } finally {
      deadline.dispose();
    }
  }
}
