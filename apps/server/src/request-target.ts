import { IncomingMessage } from 'node:http';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';

// The request target as the client sent it. @hono/node-server builds the Request's URL with
// WHATWG URL parsing, which resolves `.` and `..` segments (`%2e%2e` too) and cuts at `#`;
// a key is the bytes after /v1/kv/ as sent, so routes read the target off the Node request.

/** Under @hono/node-server, the Node request behind the Web Request; undefined for `app.request`. */
export const nodeRequestOf = (env: unknown): IncomingMessage | undefined => {
  const incoming = (env as Partial<HttpBindings> | undefined)?.incoming;
  return incoming instanceof IncomingMessage ? incoming : undefined;
};

/** `http://host:port` in front of an absolute-form target (RFC 9112, 3.2.2). */
const ABSOLUTE_FORM_ORIGIN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?]*/;

const originForm = (target: string): string => {
  const path = target.replace(ABSOLUTE_FORM_ORIGIN, '');
  return path.startsWith('/') ? path : `/${path}`;
};

/** Path and query as sent, still percent-encoded and never normalised. */
export const rawTarget = (request: Request, env: unknown): string => {
  const incoming = nodeRequestOf(env);
  if (incoming?.url !== undefined) return originForm(incoming.url);
  // Without a Node request (tests through `app.request`) the Web URL is all there is.
  const url = new URL(request.url);
  return url.pathname + url.search;
};

export const requestTarget = (c: Context): string => rawTarget(c.req.raw, c.env);

/** The path part of a target: everything before the first `?`. */
export const pathOf = (target: string): string => {
  const questionMark = target.indexOf('?');
  return questionMark < 0 ? target : target.slice(0, questionMark);
};

/** Hono routes on this, so a route sees the path its handler will read, not a normalised one. */
export const routingPath = (request: Request, options?: { env?: unknown }): string => pathOf(rawTarget(request, options?.env));
