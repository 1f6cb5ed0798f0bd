import { connect } from 'node:net';

/** A response as it came off the wire: Node's HTTP client would refuse, or tidy, what these tests send. */
export interface RawResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

const parseResponse = (text: string): RawResponse => {
  const headEnd = text.indexOf('\r\n\r\n');
  if (headEnd < 0) throw new Error(`no complete response head in ${JSON.stringify(text)}`);
  const [statusLine, ...headerLines] = text.slice(0, headEnd).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers = new Map(
    headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status, headers, body: text.slice(headEnd + 4) };
};

/**
 * Sends `request` byte for byte on a fresh connection and reads until the server closes it
 * (the request should say `Connection: close`, or be one the server ends the connection on).
 */
export const rawExchange = (port: number, request: string | Buffer): Promise<RawResponse> =>
  new Promise((resolveResponse, rejectResponse) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', rejectResponse);
    socket.on('end', () => {
      try {
        resolveResponse(parseResponse(Buffer.concat(chunks).toString('latin1')));
      } catch (error) {
        rejectResponse(error);
      }
    });
    socket.write(request);
  });
