// How a load run speaks to one kind of server: the request for a read or a write, and what a
// reply means. The driver stays protocol-free, so Flotilla and etcd are timed by the same loop.
import type { OutgoingHttpHeaders } from 'node:http';

export type OpKind = 'read' | 'write';

export interface HttpRequestSpec {
  readonly method: 'GET' | 'PUT' | 'POST';
  /** Path and query, already percent-encoded. */
  readonly path: string;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | undefined;
}

export type RequestOutcome =
  | { readonly kind: 'ok' }
  /** The server answered that the key is absent: a correct answer, counted apart. */
  | { readonly kind: 'notFound' }
  | { readonly kind: 'error'; readonly label: string };

export interface TargetProtocol {
  readRequest(key: string): HttpRequestSpec;
  writeRequest(key: string): HttpRequestSpec;
  /** Whether `classify` needs the body of a reply with this status (else it is drained unread). */
  needsBody(op: OpKind, status: number): boolean;
  classify(op: OpKind, status: number, body: Buffer | undefined): RequestOutcome;
}

export const OK: RequestOutcome = { kind: 'ok' };
export const NOT_FOUND: RequestOutcome = { kind: 'notFound' };

/** The JSON object in an error body, or undefined when the body is not one. */
export function parseJsonObject(body: Buffer | undefined): Record<string, unknown> | undefined {
  if (body === undefined || body.length === 0) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
