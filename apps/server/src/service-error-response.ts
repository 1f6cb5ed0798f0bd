import type { ServiceError } from '@flotilla/multiraft';
import { HttpError } from './http-error.js';

/** What a client should wait before retrying when the service names no delay. */
const DEFAULT_RETRY_AFTER_MS = 1000;

export interface FailedRequest {
  /** The request's path and query, appended to the leader's URL for a redirect. */
  readonly pathAndQuery: string;
  /** A write that timed out may still commit; a read that timed out changed nothing. */
  readonly isWrite: boolean;
}

const retryAfterHeader = (error: ServiceError): Record<string, string> => {
  const delayMs = error.details.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
  // Retry-After counts whole seconds; never tell a client "0", that invites a hot retry loop.
  return { 'Retry-After': String(Math.max(1, Math.ceil(delayMs / 1000))) };
};

/** Maps each ServiceError code to its status, headers and body details. */
export const httpErrorFromServiceError = (error: ServiceError, request: FailedRequest): HttpError => {
  switch (error.code) {
    case 'not_leader': {
      const leaderUrl = error.details.leaderUrl;
      if (leaderUrl === undefined) {
        return new HttpError(503, 'not_leader', `${error.message}; no leader is known yet`, {}, retryAfterHeader(error));
      }
      const location = leaderUrl.replace(/\/+$/, '') + request.pathAndQuery;
      return new HttpError(503, 'not_leader', `${error.message}; retry at ${location}`, { leader: leaderUrl }, {
        ...retryAfterHeader(error),
        Location: location,
      });
    }
    case 'no_leader':
    case 'shutting_down':
      return new HttpError(503, error.code, error.message, {}, retryAfterHeader(error));
    case 'overloaded':
      return new HttpError(429, error.code, error.message, {}, retryAfterHeader(error));
    case 'timeout':
    case 'unknown_outcome': {
      const outcome = request.isWrite
        ? 'the write may or may not have happened; read the key before retrying'
        : 'nothing was changed; the read may be retried';
      return new HttpError(504, error.code, `${error.message}: ${outcome}`);
    }
    case 'invalid_request':
      return new HttpError(400, error.code, error.message);
    case 'too_large':
      return new HttpError(413, error.code, error.message);
  }
};
