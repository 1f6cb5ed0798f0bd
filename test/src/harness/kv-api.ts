import { sendRequest } from './http-outcome.js';
import type { HttpOutcome } from './http-outcome.js';

// The client side of the HTTP contract of apps/server, one function per request kind. Each
// answers the raw outcome: what a status means is for the caller to judge.

/** Longer than the server's own request timeout, so that its 504 arrives before we give up. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

export type ReadMode = 'linearizable' | 'stale' | { readonly boundedMs: number };

export const keyUrl = (baseUrl: string, key: string): string => `${baseUrl}/v1/kv/${encodeURIComponent(key)}`;

const readQuery = (mode: ReadMode): string => {
  if (mode === 'linearizable' || mode === 'stale') return `consistency=${mode}`;
  return `consistency=bounded&max_staleness_ms=${mode.boundedMs}`;
};

export interface WriteOptions {
  /** Compare-and-swap on the key's mod revision; 0 means "only if absent". */
  readonly ifRevision?: number;
  readonly timeoutMs?: number;
}

const conditionQuery = (options: WriteOptions): string =>
  options.ifRevision === undefined ? '' : `?if_revision=${options.ifRevision}`;

export const putKey = (baseUrl: string, key: string, value: string | Uint8Array, options: WriteOptions = {}): Promise<HttpOutcome> =>
  sendRequest(keyUrl(baseUrl, key) + conditionQuery(options), {
    method: 'PUT',
    body: value,
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });

export const deleteKey = (baseUrl: string, key: string, options: WriteOptions = {}): Promise<HttpOutcome> =>
  sendRequest(keyUrl(baseUrl, key) + conditionQuery(options), {
    method: 'DELETE',
    timeoutMs: options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });

export const getKey = (baseUrl: string, key: string, mode: ReadMode, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<HttpOutcome> =>
  sendRequest(`${keyUrl(baseUrl, key)}?${readQuery(mode)}`, { method: 'GET', timeoutMs });

export const scanPrefix = (baseUrl: string, prefix: string, limit: number, mode: ReadMode = 'linearizable'): Promise<HttpOutcome> =>
  sendRequest(`${baseUrl}/v1/kv?prefix=${encodeURIComponent(prefix)}&limit=${limit}&${readQuery(mode)}`, {
    method: 'GET',
    timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  });

/** `POST /propose`: runs the command only where this node leads the key's shard. */
export const proposeCommand = (baseUrl: string, command: Readonly<Record<string, unknown>>): Promise<HttpOutcome> =>
  sendRequest(`${baseUrl}/propose`, {
    method: 'POST',
    body: JSON.stringify({ command }),
    headers: { 'Content-Type': 'application/json' },
    timeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
  });

export const getPath = (baseUrl: string, pathAndQuery: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<HttpOutcome> =>
  sendRequest(`${baseUrl}${pathAndQuery}`, { method: 'GET', timeoutMs });
