/**
 * What became of one HTTP request. A client must tell "never sent" from "sent, no answer": only
 * the first proves a write did not happen.
 */
export type HttpOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly headers: Headers; readonly body: Uint8Array }
  /** The connection was refused: nothing reached the node. */
  | { readonly kind: 'refused'; readonly message: string }
  /** The request may have reached the node, but no complete answer came back (reset, timeout). */
  | { readonly kind: 'lost'; readonly message: string };

export type HttpResponse = Extract<HttpOutcome, { kind: 'response' }>;

const errorCodeOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
};

/** Node's fetch wraps the socket error in `cause`, sometimes an AggregateError of one per address. */
const isConnectionRefused = (error: unknown): boolean => {
  const cause = (error as { cause?: unknown }).cause;
  if (errorCodeOf(cause) === 'ECONNREFUSED') return true;
  return cause instanceof AggregateError && cause.errors.length > 0 && cause.errors.every((inner) => errorCodeOf(inner) === 'ECONNREFUSED');
};

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
};

export interface RequestInit {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'POST' | 'PATCH';
  readonly body?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
  /** The whole exchange, body included, must finish within this. */
  readonly timeoutMs: number;
}

export const sendRequest = async (url: string, init: RequestInit): Promise<HttpOutcome> => {
  try {
    const response = await fetch(url, {
      method: init.method,
      ...(init.body === undefined ? {} : { body: init.body }),
      ...(init.headers === undefined ? {} : { headers: init.headers }),
      signal: AbortSignal.timeout(init.timeoutMs),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    return { kind: 'response', status: response.status, headers: response.headers, body };
  } catch (error) {
    if (isConnectionRefused(error)) return { kind: 'refused', message: describe(error) };
    return { kind: 'lost', message: describe(error) };
  }
};

export const responseText = (response: HttpResponse): string => new TextDecoder().decode(response.body);

export const responseJson = (response: HttpResponse): unknown => {
  const text = responseText(response);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`expected a JSON body with status ${response.status}, got ${JSON.stringify(text.slice(0, 200))}`);
  }
};

/** The `error.code` of a JSON error body, or undefined when the body is not one. */
export const errorCode = (response: HttpResponse): string | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(responseText(response));
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
};

export const describeOutcome = (outcome: HttpOutcome): string =>
  outcome.kind === 'response' ? `HTTP ${outcome.status} ${responseText(outcome).slice(0, 300)}` : `${outcome.kind}: ${outcome.message}`;
