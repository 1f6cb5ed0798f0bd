import { once } from 'node:events';
import { createServer, connect } from 'node:net';
import type { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FramedSocket } from './framed-socket.js';

const MIB = 1024 * 1024;

describe('FramedSocket', () => {
  it('sends the frames written during one event-loop iteration in one syscall', async () => {
    const received: string[] = [];
    const server = createServer((socket) => {
      new FramedSocket(socket, MIB, MIB, (payload) => received.push(payload.toString()));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const socket: Socket = connect(address.port, '127.0.0.1');
    await once(socket, 'connect');
    const framed = new FramedSocket(socket, MIB, MIB, () => undefined);
    let flushes = 0;
    const writev = socket._writev?.bind(socket);
    socket._writev = (chunks, callback) => {
      flushes++;
      writev?.(chunks, callback);
    };
    // Written from separate callbacks of one iteration, as forwarded client requests are.
    framed.write(Buffer.from('a'));
    process.nextTick(() => framed.write(Buffer.from('b')));
    void Promise.resolve().then(() => process.nextTick(() => framed.write(Buffer.from('c'))));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushes).toBe(1);
    while (received.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received).toEqual(['a', 'b', 'c']);
    framed.destroy();
    server.close();
  });
});
