// A deliberately trivial HTTP/1.1 server for the generator's self-test: it answers every
// request at once with the same small 200, straight on the socket. node:http's server costs
// as much CPU per request as the client, so it would measure itself, not the generator.
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

const MAX_HEAD_BYTES = 64 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const REPLY_BODY = '{"revision":1}';
const REPLY = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${REPLY_BODY.length}\r\nKeep-Alive: timeout=60\r\n\r\n${REPLY_BODY}`);

/** Bytes of body the request head announces; chunked bodies are refused (the bench never sends them). */
function bodyLength(head: string): number | undefined {
  if (/\r\ntransfer-encoding:/i.test(head)) return undefined;
  const match = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  return match === null ? 0 : Number(match[1]);
}

function serveConnection(socket: Socket): void {
  socket.setNoDelay(true);
  let pending: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let replies = 0;
    for (;;) {
      const headEnd = pending.indexOf(HEAD_END);
      if (headEnd < 0) {
        if (pending.length > MAX_HEAD_BYTES) socket.destroy();
        break;
      }
      const length = bodyLength(pending.toString('latin1', 0, headEnd));
      if (length === undefined) {
        socket.destroy();
        return;
      }
      const requestEnd = headEnd + HEAD_END.length + length;
      if (pending.length < requestEnd) break;
      pending = pending.subarray(requestEnd);
      replies += 1;
    }
    if (replies > 0) socket.write(replies === 1 ? REPLY : Buffer.concat(Array.from({ length: replies }, () => REPLY)));
  });
  socket.on('error', () => socket.destroy());
}

export async function startHttpSink(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer(serveConnection);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
