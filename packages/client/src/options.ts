/** How a client is set up. Only `endpoints` is required. */
export interface FlotillaOptions {
  /** The nodes to talk to, as `host:port` or `http://host:port`; any node serves any request. */
  readonly endpoints: readonly string[];
  /** The deadline of one call, retries included, unless the call names its own. Default 10000. */
  readonly requestTimeoutMs?: number;
  /** How long opening a connection may take before the endpoint counts as unreachable. Default 2000. */
  readonly connectTimeoutMs?: number;
  /** How long an unreachable endpoint is tried only after the others. Default 2000. */
  readonly endpointCooldownMs?: number;
  /** Open connections kept per endpoint; requests beyond them queue. Default 32. */
  readonly maxConnectionsPerEndpoint?: number;
  /** How long an idle keep-alive connection stays open. Default 4000 (a Node server closes at 5000). */
  readonly keepAliveTimeoutMs?: number;
  /** The wait after every endpoint refused once; it doubles each round up to `retryMaxDelayMs`. Default 50. */
  readonly retryBaseDelayMs?: number;
  /** Default 1000. A server's `Retry-After` may ask for longer, and is honoured. */
  readonly retryMaxDelayMs?: number;
}

/** Per call: a deadline of its own and a way to cancel it. */
export interface CallOptions {
  /** Overrides the client's `requestTimeoutMs` for this call. */
  readonly timeoutMs?: number;
  /** Aborting it ends the call; the call rejects with the signal's reason (a write in flight: UnknownOutcomeError). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_OPTIONS = {
  requestTimeoutMs: 10_000,
  connectTimeoutMs: 2_000,
  endpointCooldownMs: 2_000,
  maxConnectionsPerEndpoint: 32,
  keepAliveTimeoutMs: 4_000,
  retryBaseDelayMs: 50,
  retryMaxDelayMs: 1_000,
} as const;
