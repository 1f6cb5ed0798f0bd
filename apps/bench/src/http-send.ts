// One HTTP request on a keep-alive agent, turned into a reply the driver can classify. It
// never rejects: timeouts and socket failures are outcomes to count, not exceptions.
import { request as httpRequest } from 'node:http';
import type { Agent, IncomingMessage } from 'node:http';
import type { Endpoint } from './flag-values.js';
import type { HttpRequestSpec } from './target-protocol.js';

// Error bodies are only read for their code; a huge one is drained, not kept.
const MAX_KEPT_BODY_BYTES = 64 * 1024;

export type HttpReply =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly location: string | undefined;
      readonly retryAfterS: number | undefined;
      readonly body: Buffer | undefined;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'connection'; readonly code: string };

function retryAfterSeconds(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header);
}

function failureCode(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return error instanceof Error ? error.message : String(error);
}

export function sendRequest(
  agent: Agent,
  endpoint: Endpoint,
  spec: HttpRequestSpec,
  timeoutMs: number,
  wantsBody: (status: number) => boolean,
): Promise<HttpReply> {
  return new Promise((resolve) => {
    let settled = false;
    let timedOut = false;
    const settle = (reply: HttpReply): void => {
      if (settled) return;
      settled = true;
      resolve(reply);
    };
    const fail = (error: unknown): void => settle(timedOut ? { kind: 'timeout' } : { kind: 'connection', code: failureCode(error) });

    const onResponse = (response: IncomingMessage): void => {
      const status = response.statusCode ?? 0;
      const keepBody = wantsBody(status);
      const chunks: Buffer[] = [];
      let keptBytes = 0;
      response.on('data', (chunk: Buffer) => {
        if (keepBody && keptBytes < MAX_KEPT_BODY_BYTES) {
          chunks.push(chunk);
          keptBytes += chunk.length;
        }
      });
      response.on('end', () =>
        settle({
          kind: 'response',
          status,
          location: response.headers.location,
          retryAfterS: retryAfterSeconds(response.headers['retry-after']),
          body: keepBody ? Buffer.concat(chunks) : undefined,
        }),
      );
      response.on('error', fail);
      response.on('close', () => fail(new Error('response closed before its end')));
    };

    const outgoing = httpRequest(
      { host: endpoint.host, port: endpoint.port, method: spec.method, path: spec.path, headers: spec.headers, agent },
      onResponse,
    );
    outgoing.setTimeout(timeoutMs, () => {
      timedOut = true;
      outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    outgoing.on('error', fail);
    outgoing.end(spec.body);
  });
}
