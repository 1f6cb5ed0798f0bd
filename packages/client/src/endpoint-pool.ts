import { InvalidRequestError } from './errors.js';

/**
 * `host:port` or `http(s)://host:port` as an origin (`http://host:port`); anything with a path,
 * query or credentials is refused, so a typo cannot send requests somewhere unexpected.
 */
export const parseEndpoint = (text: string): string => {
  const trimmed = text.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidRequestError(`endpoint "${text}" is not host:port or a URL`, { code: 'bad_endpoint' });
  }
  const plain = (url.pathname === '/' || url.pathname === '') && url.search === '' && url.hash === '';
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !plain || url.username !== '' || url.password !== '') {
    throw new InvalidRequestError(`endpoint "${text}" must be host:port or http(s)://host:port with no path`, {
      code: 'bad_endpoint',
    });
  }
  return url.origin;
};

/**
 * The endpoints a client spreads its requests over. Each call gets its own order to try them
 * in: round-robin, so load spreads, with those that recently could not be reached moved to the
 * end, so a dead node costs one failed connect per cooldown instead of one per call.
 *
 * This is the one place that decides where a request goes. A shard-aware router (sending a
 * key straight to its shard's leader, once the server publishes each node's client URL beside
 * the shard map) would put the leader's endpoint first here and keep this order as the fallback.
 */
export class EndpointPool {
  readonly origins: readonly string[];
  private next: number;
  private readonly downUntilMs = new Map<string, number>();

  /** `firstIndex`: where the rotation starts; at random by default, so short-lived clients (a CLI run) spread too. */
  constructor(
    endpoints: readonly string[],
    private readonly cooldownMs: number,
    private readonly nowMs: () => number = () => performance.now(),
    firstIndex?: number,
  ) {
    if (endpoints.length === 0) throw new InvalidRequestError('a client needs at least one endpoint', { code: 'bad_endpoint' });
    this.origins = [...new Set(endpoints.map(parseEndpoint))];
    this.next = firstIndex ?? Math.floor(Math.random() * this.origins.length);
  }

  /** Every endpoint once, in the order one call should try them. */
  plan(): string[] {
    const start = this.next;
    this.next = (this.next + 1) % this.origins.length;
    const rotated = [...this.origins.slice(start), ...this.origins.slice(0, start)];
    const now = this.nowMs();
    const isDown = (origin: string): boolean => (this.downUntilMs.get(origin) ?? -Infinity) > now;
    return [...rotated.filter((origin) => !isDown(origin)), ...rotated.filter(isDown)];
  }

  /** The endpoint could not be reached: try it last until the cooldown passes. */
  markDown(origin: string): void {
    this.downUntilMs.set(origin, this.nowMs() + this.cooldownMs);
  }

  /** The endpoint answered. */
  markUp(origin: string): void {
    this.downUntilMs.delete(origin);
  }
}
