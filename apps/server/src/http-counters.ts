/**
 * What the HTTP server did about clients misbehaving or going away: expected on the internet,
 * so counted here (and shown in `/v1/status`) and logged at debug, never as errors.
 */
export interface HttpCounters {
  /** Connections closed at accept: the node already had `--max-connections`. */
  connectionsRefused: number;
  /** Connections closed for pipelining too deep or leaving too many response bytes unread. */
  connectionsShed: number;
  /** Requests the HTTP parser refused (bad framing, headers too large, unknown method...). */
  malformedRequests: number;
  /** Clients that went away before their request body ended. */
  clientsGone: number;
  /** Response bytes the node holds that clients have not read, now and at most. */
  unreadResponseBytes: number;
  peakUnreadResponseBytes: number;
}

export const newHttpCounters = (): HttpCounters => ({
  connectionsRefused: 0,
  connectionsShed: 0,
  malformedRequests: 0,
  clientsGone: 0,
  unreadResponseBytes: 0,
  peakUnreadResponseBytes: 0,
});

/** The counters in the wire (snake_case) form of `GET /v1/status`. */
export const httpCountersJson = (counters: HttpCounters) => ({
  connections_refused: counters.connectionsRefused,
  connections_shed: counters.connectionsShed,
  malformed_requests: counters.malformedRequests,
  clients_gone: counters.clientsGone,
  unread_response_bytes: counters.unreadResponseBytes,
  peak_unread_response_bytes: counters.peakUnreadResponseBytes,
});
