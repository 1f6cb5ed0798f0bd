import { setTimeout as sleep } from 'node:timers/promises';
import type { Dispatcher } from 'undici';
import { Deadline } from './deadline.js';
import type { EndpointPool } from './endpoint-pool.js';
import { errorFromResponse } from './error-from-response.js';
import type { FlotillaError} from './errors.js';
import { DeadlineExceededError, UnavailableError, UnknownOutcomeError } from './errors.js';
import { attempt } from './http-attempt.js';
import type { WireRequest } from './http-attempt.js';
import type { CallOptions } from './options.js';

/** A 2xx answer and the endpoint that gave it. */
export interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
  readonly endpoint: string;
}

export interface RetryTiming {
  readonly retryBaseDelayMs: number;
  readonly retryMaxDelayMs: number;
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs one call: tries the pool's endpoints in turn until one answers, retrying only what is
 * safe. Anything may go to the next endpoint when its connection could not be made, or when a
 * server refused it before acting (429, 503: overloaded, no leader, shutting down). A read may
 * also be retried after a lost connection or a server-side timeout (504); a write then has an
 * unknown outcome and is never retried. Once every endpoint has failed, the next round waits:
 * a backoff that doubles, or longer when a server's `Retry-After` asked for it.
 */
export class RequestRunner {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly pool: EndpointPool,
    private readonly timing: RetryTiming,
    private readonly defaultTimeoutMs: number,
  ) {}

  async run(request: WireRequest, options: CallOptions = {}): Promise<Answer> {
    const deadline = new Deadline(options.timeoutMs ?? this.defaultTimeoutMs, options.signal);
    try {
      return await this.runUntil(request, deadline);
    } finally {
      deadline.dispose();
    }
  }

  private async runUntil(request: WireRequest, deadline: Deadline): Promise<Answer> {
    for (let round = 0; ; round++) {
      // Why each endpoint failed this round, for the error if the call gives up.
      const failures: FlotillaError[] = [];
      let waitMs = Math.min(this.timing.retryMaxDelayMs, this.timing.retryBaseDelayMs * 2 ** round);
      for (const origin of this.pool.plan()) {
        if (deadline.stopped !== undefined) throw this.stoppedError(request, deadline, false, failures);
        const outcome = await attempt(this.dispatcher, origin, request, deadline.signal);
        if (outcome.kind === 'stopped') throw this.stoppedError(request, deadline, true, failures);
        if (outcome.kind === 'answer') {
          this.pool.markUp(origin);
          if (outcome.status >= 200 && outcome.status < 300) return { ...outcome, endpoint: origin };
          const error = errorFromResponse(
            { status: outcome.status, body: outcome.body, retryAfter: outcome.headers['retry-after'], endpoint: origin },
            request.isWrite,
          );
          if (!(error instanceof UnavailableError)) throw error;
          failures.push(error);
          waitMs = Math.max(waitMs, error.retryAfterMs ?? 0);
          continue;
        }
        this.pool.markDown(origin);
        if (outcome.kind === 'lost' && request.isWrite) {
          throw new UnknownOutcomeError(`${origin}: the connection was lost after the write was sent (${describe(outcome.error)})`, {
            code: 'connection_lost',
            endpoint: origin,
            cause: outcome.error,
          });
        }
        const what = outcome.kind === 'lost' ? 'connection lost' : 'unreachable';
        failures.push(new UnavailableError(`${origin}: ${what} (${describe(outcome.error)})`, {
          code: outcome.kind === 'lost' ? 'connection_lost' : 'unreachable',
          endpoint: origin,
          cause: outcome.error,
        }));
      }
      // Waiting past the deadline would only turn this answer into a vaguer one.
      if (waitMs >= deadline.remainingMs()) throw gaveUp(failures);
      try {
        await sleep(waitMs, undefined, { signal: deadline.signal });
      } catch {
        throw this.stoppedError(request, deadline, false, failures);
      }
    }
  }

  /** The error for a call its deadline or caller stopped; `inFlight`: a request was out. */
  private stoppedError(request: WireRequest, deadline: Deadline, inFlight: boolean, failures: readonly FlotillaError[]): unknown {
    const expired = deadline.stopped === 'expired';
    if (inFlight && request.isWrite) {
      const why = expired ? 'the deadline passed' : 'the call was aborted';
      return new UnknownOutcomeError(`${why} while the write was in flight: it may or may not have happened`, {
        code: expired ? 'deadline_exceeded' : 'aborted',
        cause: expired ? undefined : deadline.abortReason,
      });
    }
    if (!expired) return deadline.abortReason;
    const last = failures.at(-1);
    const detail = last === undefined ? '' : ` (last failure: ${last.message})`;
    return new DeadlineExceededError(`the deadline passed before any endpoint served the request${detail}`, {
      code: 'deadline_exceeded',
      cause: last,
    });
  }
}

/** Every endpoint failed and the deadline leaves no room for another round. */
const gaveUp = (failures: readonly FlotillaError[]): UnavailableError => {
  const last = failures.at(-1);
  if (last === undefined) throw new Error('a round of attempts ended with no endpoint tried');
  // The longest wait any server asked for: retrying sooner would only meet that refusal again.
  const asked = failures.flatMap((failure) => (failure instanceof UnavailableError && failure.retryAfterMs !== undefined ? [failure.retryAfterMs] : []));
  const retryAfterMs = asked.length === 0 ? undefined : Math.max(...asked);
  return new UnavailableError(`no endpoint could serve the request: ${failures.map((failure) => failure.message).join('; ')}`, {
    code: last.code,
    ...(last.status === undefined ? {} : { status: last.status }),
    ...(last.endpoint === undefined ? {} : { endpoint: last.endpoint }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    cause: last,
  });
};
