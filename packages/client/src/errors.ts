// The errors a Flotilla call rejects with. Every one is a FlotillaError; the subclasses are the
// outcomes a caller acts on differently. A server code this client does not know becomes a
// plain FlotillaError that still carries the code, status and message.

export interface FlotillaErrorInit {
  /** The server's error code (`compare_failed`, `no_leader`, ...) or the client's own. */
  readonly code: string;
  /** The HTTP status, when a server answered. */
  readonly status?: number;
  /** The endpoint that answered or failed. */
  readonly endpoint?: string;
  readonly cause?: unknown;
}

export class FlotillaError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  readonly endpoint: string | undefined;

  constructor(message: string, init: FlotillaErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.endpoint = init.endpoint;
  }
}

/** The named thing does not exist. `get` answers a missing key with `undefined` instead. */
export class NotFoundError extends FlotillaError {}

/** An `ifRevision` compare did not hold: nothing was written. */
export class CompareFailedError extends FlotillaError {
  /** The key's mod revision when the compare was made; 0 when the key did not exist. */
  readonly currentRevision: number;

  constructor(message: string, init: FlotillaErrorInit & { readonly currentRevision: number }) {
    super(message, init);
    this.currentRevision = init.currentRevision;
  }
}

/** The request is malformed or too large (a 4xx): retrying it unchanged cannot help. */
export class InvalidRequestError extends FlotillaError {}

/**
 * No endpoint could serve the request before the deadline: every one refused it (no leader,
 * overloaded, shutting down) or could not be reached. Nothing was changed.
 */
export class UnavailableError extends FlotillaError {
  /** How long the last server that refused asked the client to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: FlotillaErrorInit & { readonly retryAfterMs?: number }) {
    super(message, init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/**
 * A write may or may not have happened: the server timed out waiting for its commit, the
 * connection was lost after it was sent, or the deadline or an abort cut it short in flight.
 * It is never retried for you; read the key to learn what happened.
 */
export class UnknownOutcomeError extends FlotillaError {}

/** The call's deadline passed before it could finish; nothing was changed. */
export class DeadlineExceededError extends FlotillaError {}
