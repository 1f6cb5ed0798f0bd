import { connect as connectTcp, createServer } from 'node:net';
import type { Server } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EntryType, MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import { PeerUnreachableError } from './errors.js';
import type { SocketFactory } from './socket-factory.js';
import { plainTcpSockets } from './socket-factory.js';
import { TcpTransport } from './tcp-transport.js';
import { makeTestPki } from './testing/test-pki.js';
import type { TestPki } from './testing/test-pki.js';
import { mutualTlsSockets } from './tls-sockets.js';
import type { PeerAddress } from './transport.js';

const loopback = '127.0.0.1';
const clusterSecret = 'tls-test-cluster-secret-of-some-length';
const MARKER = 'flotilla-marker-that-must-not-be-seen-on-the-wire';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A TCP relay to `target` that keeps every byte it passes, both ways. */
class RecordingRelay {
  readonly seen: Buffer[] = [];
  private readonly server: Server;

  constructor(target: PeerAddress) {
    this.server = createServer((inbound) => {
      const outbound = connectTcp({ host: target.host, port: target.port });
      const relay = (from: typeof inbound, to: typeof inbound): void => {
        from.on('data', (chunk: Buffer) => {
          this.seen.push(chunk);
          to.write(chunk);
        });
        from.on('close', () => to.destroy());
        from.on('error', () => to.destroy());
      };
      relay(inbound, outbound);
      relay(outbound, inbound);
    });
  }

  async start(): Promise<PeerAddress> {
    await new Promise<void>((resolve) => this.server.listen(0, loopback, resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('relay is not listening');
    return { host: loopback, port: address.port };
  }

  contains(text: string): boolean {
    return Buffer.concat(this.seen).includes(text);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const appendCarrying = (from: NodeId, to: NodeId, text: string): Message => ({
  type: MessageType.APP,
  group: groupId(1),
  from,
  to,
  term: 1,
  index: 0,
  logTerm: 0,
  commit: 0,
  entries: [{ index: 1, term: 1, type: EntryType.COMMAND, data: encoder.encode(text) }],
});

describe('peer transport over mutual TLS', () => {
  let pki: TestPki;
  const closing: { close(): Promise<void> }[] = [];
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((resource) => resource.close()));
  });

  /** A started transport on a free loopback port, closed after the test. */
  const startTransport = async (self: number, sockets: SocketFactory, peers: ReadonlyMap<NodeId, PeerAddress> = new Map()): Promise<TcpTransport> => {
    const transport = new TcpTransport({ self: nodeId(self), listen: { host: loopback, port: 0 }, peers, clusterSecret, clusterId: 'tls-test', sockets });
    closing.push(transport);
    await transport.start();
    return transport;
  };

  /** Two nodes, node 1 reaching node 2 through a recording relay; node 2 echoes calls. */
  const pairThroughRelay = async (sockets: SocketFactory): Promise<{ relay: RecordingRelay; a: TcpTransport; b: TcpTransport; arrived: Promise<Message[]> }> => {
    const [a, b] = await Promise.all([startTransport(1, sockets), startTransport(2, sockets)]);
    const relay = new RecordingRelay(b.address());
    closing.push(relay);
    a.setPeers(new Map([[b.self, await relay.start()]]));
    b.setPeers(new Map([[a.self, a.address()]]));
    b.onCall(async (_from, body) => encoder.encode(`echo ${decoder.decode(body)}`));
    const arrived = new Promise<Message[]>((resolve) => b.onRaft((_from, messages) => resolve(messages)));
    return { relay, a, b, arrived };
  };

  it('carries raft messages and calls, with nothing readable on the wire', async () => {
    const { relay, a, arrived } = await pairThroughRelay(mutualTlsSockets(pki.member));
    a.sendRaft(nodeId(2), [appendCarrying(nodeId(1), nodeId(2), MARKER)]);
    const [message] = await arrived;
    expect(decoder.decode(message?.entries?.[0]?.data)).toBe(MARKER);
    expect(decoder.decode(await a.call(nodeId(2), encoder.encode(MARKER), 5_000))).toBe(`echo ${MARKER}`);
    expect(relay.seen.length).toBeGreaterThan(0);
    expect(relay.contains(MARKER)).toBe(false);
    expect(relay.contains(clusterSecret)).toBe(false);
  });

  it('is what hides them: over plain TCP the same relay reads the marker', async () => {
    const { relay, a, arrived } = await pairThroughRelay(plainTcpSockets);
    a.sendRaft(nodeId(2), [appendCarrying(nodeId(1), nodeId(2), MARKER)]);
    await arrived;
    expect(relay.contains(MARKER)).toBe(true);
  });

  it('refuses a peer whose certificate another CA signed, before any frame', async () => {
    const node = await startTransport(2, mutualTlsSockets(pki.member));
    const { port } = node.address();
    const refusal = await new Promise<string>((resolve) => {
      const socket = connectTls({ host: loopback, port, cert: pki.stranger.cert, key: pki.stranger.key, ca: pki.member.ca, minVersion: 'TLSv1.3' });
      // With TLS 1.3 the server's verdict on our certificate arrives after our side's handshake.
      socket.on('error', (error) => resolve(error.message));
      socket.on('close', () => resolve('closed'));
      socket.on('secureConnect', () => socket.write('x'));
    });
    expect(refusal).toMatch(/certificate|alert|closed|ECONNRESET/i);
  });

  it('refuses to dial a member whose certificate the cluster CA did not sign', async () => {
    const stranger = await startTransport(2, mutualTlsSockets(pki.stranger));
    const member = await startTransport(1, mutualTlsSockets(pki.member), new Map([[nodeId(2), stranger.address()]]));
    await expect(member.call(nodeId(2), encoder.encode('hello'), 5_000)).rejects.toThrow(PeerUnreachableError);
  });
});
