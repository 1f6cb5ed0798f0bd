// A non-leader may answer 503 with the leader's address in `Location`: a full URL, a URL
// without a path, or a bare host:port. All three name where to send the same request.
import type { Endpoint } from './flag-values.js';

export interface RedirectTarget {
  readonly endpoint: Endpoint;
  /** Path and query to send there. */
  readonly path: string;
}

/** Where `location` points, or undefined when it names no usable http address. */
export function resolveRedirect(location: string, originalPath: string): RedirectTarget | undefined {
  const bare = /^([^/:@]+):(\d{1,5})$/.exec(location.trim());
  const text = bare === null ? location.trim() : `http://${bare[1]}:${bare[2]}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:') return undefined;
  const port = url.port === '' ? 80 : Number(url.port);
  const hasPath = url.pathname !== '/' || url.search !== '';
  return { endpoint: { host: url.hostname, port }, path: hasPath ? url.pathname + url.search : originalPath };
}
