import type { Dispatcher } from 'undici';

/** One HTTP request as the client sends it, to whichever endpoint the call picks. */
export interface WireRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE';
  /** Path and query, already percent-encoded. */
  readonly path: string;
  readonly body?: Uint8Array;
  /** Changes state: decides what a lost connection or a 504 means, and whether it may be retried. */
  readonly isWrite: boolean;
}

export type AttemptOutcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly headers: Readonly<Record<string, string | undefined>>;
      readonly body: Uint8Array;
    }
  /** The request never left: the connection could not be made. Safe to send elsewhere. */
  | { readonly kind: 'unreachable'; readonly error: unknown }
  /** The request may have reached the server, and no full answer came back. */
  | { readonly kind: 'lost'; readonly error: unknown }
  /** The call's signal fired while the request was in flight. */
  | { readonly kind: 'stopped'; readonly error: unknown };

/** Failures of connection setup, before a byte of the request was written. */
const CONNECT_FAILURE_CODES = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

const errorCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

const headerText = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

/** Sends `request` to `origin` once; never rejects, every way it can end is an outcome. */
export const attempt = async (
  dispatcher: Dispatcher,
  origin: string,
  request: WireRequest,
  signal: AbortSignal,
): Promise<AttemptOutcome> => {
  try {
    const response = await dispatcher.request({
      origin,
      path: request.path,
      method: request.method,
      signal,
      ...(request.body === undefined
        ? {}
        : { body: request.body, headers: { 'content-type': 'application/octet-stream' } }),
    });
    const body = new Uint8Array(await response.body.arrayBuffer());
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(response.headers)) headers[name] = headerText(value);
    return { kind: 'answer', status: response.statusCode, headers, body };
  } catch (error) {
    if (signal.aborted) return { kind: 'stopped', error };
    const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | undefined)?.cause);
    return code !== undefined && CONNECT_FAILURE_CODES.has(code) ? { kind: 'unreachable', error } : { kind: 'lost', error };
  }
};
