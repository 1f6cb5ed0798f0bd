// A plain GET for control-plane checks (readiness), kept off the load path's agents.
import { get } from 'node:http';

export interface GetReply {
  readonly status: number;
  readonly body: string;
}

/** Rejects on connection errors and after `timeoutMs`. */
export function httpGet(url: string, timeoutMs: number): Promise<GetReply> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.setTimeout(timeoutMs, () => request.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
  });
}
