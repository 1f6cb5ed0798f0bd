import { CompareFailedError, FlotillaError, InvalidRequestError, NotFoundError, UnavailableError, UnknownOutcomeError } from './errors.js';

/** A non-2xx answer, as read off the wire. */
export interface ErrorAnswer {
  readonly status: number;
  readonly body: Uint8Array;
  /** The `Retry-After` header, when there was one. */
  readonly retryAfter: string | undefined;
  readonly endpoint: string;
}

interface ErrorBody {
  readonly code: string;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

const utf8 = new TextDecoder();

/** The `{"error":{"code","message",...}}` body; anything else is described by its status. */
const parseErrorBody = (answer: ErrorAnswer): ErrorBody => {
  const fallback = { code: `http_${answer.status}`, message: `HTTP ${answer.status}`, details: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(utf8.decode(answer.body));
  } catch {
    return fallback;
  }
  if (typeof parsed !== 'object' || parsed === null || !('error' in parsed)) return fallback;
  const error = parsed.error;
  if (typeof error !== 'object' || error === null) return fallback;
  const details = error as Readonly<Record<string, unknown>>;
  const code = typeof details['code'] === 'string' ? details['code'] : fallback.code;
  const message = typeof details['message'] === 'string' ? details['message'] : fallback.message;
  return { code, message, details };
};

/** `Retry-After` in delay-seconds, the form Flotilla sends; a date or garbage is ignored. */
export const retryAfterMs = (header: string | undefined): number | undefined => {
  if (header === undefined || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
};

/**
 * The error a non-2xx answer stands for. `isWrite` decides what a 504 means: a write that timed
 * out may still commit, a read that timed out changed nothing and is another refusal.
 */
export const errorFromResponse = (answer: ErrorAnswer, isWrite: boolean): FlotillaError => {
  const { code, message, details } = parseErrorBody(answer);
  const init = { code, status: answer.status, endpoint: answer.endpoint };
  const text = `${answer.endpoint}: ${message}`;
  if (answer.status === 404 && code === 'key_not_found') return new NotFoundError(text, init);
  if (answer.status === 412 && code === 'compare_failed') {
    const current = details['current_revision'];
    return new CompareFailedError(text, { ...init, currentRevision: typeof current === 'number' ? current : 0 });
  }
  if (answer.status === 429 || answer.status === 503) {
    const delayMs = retryAfterMs(answer.retryAfter);
    return new UnavailableError(text, delayMs === undefined ? init : { ...init, retryAfterMs: delayMs });
  }
  if (answer.status === 504) return isWrite ? new UnknownOutcomeError(text, init) : new UnavailableError(text, init);
  if (answer.status >= 400 && answer.status < 500 && answer.status !== 404) return new InvalidRequestError(text, init);
  return new FlotillaError(text, init);
};
