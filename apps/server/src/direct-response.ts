import type { ContentfulStatusCode } from 'hono/utils/http-status';

// Responses whose headers are a plain object: @hono/node-server writes those straight onto
// Node's ServerResponse. Hono's c.json/c.body given more than one header build a WHATWG
// Headers per response instead, which node-server then copies out entry by entry.

type PlainHeaders = Readonly<Record<string, string>>;

export const jsonResponse = (value: unknown, status: ContentfulStatusCode, headers: PlainHeaders = {}): Response =>
  new Response(JSON.stringify(value), { status, headers: { 'Content-Type': 'application/json', ...headers } });

export const bytesResponse = (bytes: Uint8Array<ArrayBuffer>, headers: PlainHeaders): Response =>
  new Response(bytes, { status: 200, headers: { 'Content-Type': 'application/octet-stream', ...headers } });
