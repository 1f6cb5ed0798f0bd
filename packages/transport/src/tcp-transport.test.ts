import { connect, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Logger, Message, NodeId } from '@flotilla/raft';
import { describeTransportConformance } from './testing/conformance.js';
import { TransportClosedError } from './errors.js';
import { frameHeader } from './framing.js';
import { DialerHandshake, Lane } from './handshake.js';
import type { TransportLimits } from './limits.js';
import { TcpTransport } from './tcp-transport.js';
import type { PeerAddress } from './transport.js';
import { encodeRaftFrame } from './wire-codec.js';

const clusterSecret = 'test-cluster-secret-of-some-length';
const clusterId = 'test-cluster';
const loopback = '127.0.0.1';
const fastReconnect: Partial<TransportLimits> = { reconnectBackoffInitialMs: 5, reconnectBackoffMaxMs: 40 };

/** A port nothing listens on: bound once by us, then released. */
const freePort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, loopback, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
};

/** Starts transports on free ports, then tells each where the others (and `extraPeers`) are. */
const startTransports = async (
  specs: readonly { readonly self: NodeId; readonly limits?: Partial<TransportLimits>; readonly secret?: string; readonly clusterId?: string; readonly logger?: Logger; readonly port?: number }[],
  extraPeers: ReadonlyMap<NodeId, PeerAddress> = new Map(),
): Promise<TcpTransport[]> => {
  const transports = specs.map(
    (spec) =>
      new TcpTransport({
        self: spec.self,
        listen: { host: loopback, port: spec.port ?? 0 },
        peers: new Map(),
        clusterSecret: spec.secret ?? clusterSecret,
        clusterId: spec.clusterId ?? clusterId,
        limits: { ...fastReconnect, ...spec.limits },
        random: () => 0.5,
        ...(spec.logger === undefined ? {} : { logger: spec.logger }),
      }),
  );
  await Promise.all(transports.map((transport) => transport.start()));
  const addresses = new Map<NodeId, PeerAddress>([...transports.map((transport) => [transport.self, transport.address()] as const), ...extraPeers]);
  for (const transport of transports) {
    transport.setPeers(new Map([...addresses].filter(([id]) => id !== transport.self)));
  }
  return transports;
};

describeTransportConformance('TcpTransport', async ({ nodeCount, limits }) => {
  const deadPeer = nodeId(99);
  const transports = await startTransports(
    Array.from({ length: nodeCount }, (_, i) => ({ self: nodeId(i + 1), ...(limits === undefined ? {} : { limits }) })),
    new Map([[deadPeer, { host: loopback, port: await freePort() }]]),
  );
  return { transports, deadPeer, stop: async () => void (await Promise.all(transports.map((transport) => transport.close()))) };
});

const heartbeat = (from: NodeId, to: NodeId, group: number): Message => ({ type: MessageType.HEARTBEAT, group: groupId(group), from, to, term: 1, commit: 0 });

const append = (from: NodeId, to: NodeId, group: number, dataBytes: number): Message => ({
  type: MessageType.APP,
  group: groupId(group),
  from,
  to,
  term: 1,
  index: 0,
  logTerm: 0,
  commit: 0,
  entries: [{ index: 1, term: 1, type: EntryType.COMMAND, data: new Uint8Array(dataBytes).fill(group & 0xff) }],
});

const snapshotChunk = (from: NodeId, to: NodeId, dataBytes: number): Message => ({
  type: MessageType.SNAP,
  group: groupId(1),
  from,
  to,
  term: 1,
  snapshot: {
    meta: { index: 9, term: 1, conf: { voters: [from, to], votersOutgoing: [], learners: [], learnersNext: [] } },
    offset: 0,
    data: new Uint8Array(dataBytes).fill(7),
    done: true,
  },
});

/** Records arrivals in order and lets a test wait for a condition on them. */
const recorder = (transport: TcpTransport): { readonly arrived: Message[]; until: (done: (arrived: Message[]) => boolean) => Promise<void> } => {
  const arrived: Message[] = [];
  let check = (): void => {};
  transport.onRaft((_from, messages) => {
    arrived.push(...messages);
    check();
  });
  return {
    arrived,
    until: (done) =>
      new Promise((resolve) => {
        check = () => {
          if (done(arrived)) {
            resolve();
          }
        };
        check();
      }),
  };
};

const capturingLogger = (): Logger & { readonly warnings: Record<string, unknown>[] } => {
  const warnings: Record<string, unknown>[] = [];
  return { warnings, debug: () => {}, info: () => {}, warn: (message, fields) => warnings.push({ message, ...fields }) };
};

const unreachableOnce = (transport: TcpTransport, peer: NodeId): Promise<void> =>
  new Promise((resolve) => transport.onUnreachable((reported) => reported === peer && resolve()));

/** Yields to the event loop until `done` holds; the test's own timeout is the only clock. */
const eventually = async (done: () => boolean, act: () => void = () => {}): Promise<void> => {
  while (!done()) {
    act();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

describe('TcpTransport', () => {
  const running: TcpTransport[] = [];
  const start = async (...specs: Parameters<typeof startTransports>[0]): Promise<TcpTransport[]> => {
    const transports = await startTransports(specs);
    running.push(...transports);
    return transports;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((transport) => transport.close()));
  });

  it('refuses a bad configuration at construction and use before start', () => {
    const options = { self: nodeId(1), listen: { host: loopback, port: 0 }, peers: new Map<NodeId, PeerAddress>(), clusterSecret, clusterId };
    expect(() => new TcpTransport({ ...options, clusterSecret: '' })).toThrow(/clusterSecret/);
    expect(() => new TcpTransport({ ...options, peers: new Map([[nodeId(1), { host: loopback, port: 1 }]]) })).toThrow(/must not contain this node/);
    expect(() => new TcpTransport({ ...options, peers: new Map([[nodeId(2), { host: loopback, port: 70000 }]]) })).toThrow(/invalid address/);
    expect(() => new TcpTransport({ ...options, limits: { maxFrameBytes: -1 } })).toThrow(/maxFrameBytes/);
    expect(() => new TcpTransport(options).sendRaft(nodeId(2), [heartbeat(nodeId(1), nodeId(2), 1)])).toThrow(TransportClosedError);
  });

  it.each([
    { stranger: 'a peer with the wrong cluster secret', spec: { secret: 'not-the-cluster-secret' }, logged: 'failed to prove the cluster secret' },
    // It knows the secret, but was founded with other members or shards, or is another cluster.
    { stranger: 'a peer of another cluster', spec: { clusterId: 'another-cluster' }, logged: 'belongs to cluster another-cluster' },
  ])('rejects $stranger, says why, and delivers nothing it sent', async ({ spec, logged }) => {
    const logger = capturingLogger();
    const [good, stranger] = await start({ self: nodeId(1), logger }, { self: nodeId(2), ...spec, logger });
    if (good === undefined || stranger === undefined) throw new Error('two transports expected');
    const atGood = recorder(good);
    const refused = unreachableOnce(stranger, good.self);
    stranger.sendRaft(good.self, [heartbeat(stranger.self, good.self, 1)]);
    await refused;
    expect(atGood.arrived).toStrictEqual([]);
    expect(good.counters(stranger.self).framesReceived).toBe(0);
    expect(logger.warnings.some((warning) => warning['errorName'] === 'ProtocolError' && String(warning['error']).includes(logged))).toBe(true);
  });

  it('closes a connection that sends data before proving the secret', async () => {
    const logger = capturingLogger();
    const [target] = await start({ self: nodeId(1), logger }, { self: nodeId(2) });
    if (target === undefined) throw new Error('transport expected');
    const atTarget = recorder(target);
    const socket = connect(target.address().port, loopback);
    socket.resume();
    const hello = new DialerHandshake({ self: nodeId(2), clusterSecret: 'guess', clusterId }, target.self, Lane.MAIN).hello();
    const data = encodeRaftFrame([heartbeat(nodeId(2), target.self, 1)]);
    socket.write(Buffer.concat([frameHeader(hello.byteLength), hello, frameHeader(data.byteLength), data]));
    await new Promise((resolve) => socket.on('close', resolve));
    expect(atTarget.arrived).toStrictEqual([]);
    expect(target.counters(nodeId(2)).framesReceived).toBe(0);
    expect(logger.warnings.some((warning) => warning['errorName'] === 'ProtocolError')).toBe(true);
  });

  it('logs a flood of refused connections once, not once per connection', async () => {
    const logger = capturingLogger();
    const [target] = await start({ self: nodeId(1), logger }, { self: nodeId(2) });
    if (target === undefined) throw new Error('transport expected');
    const hello = new DialerHandshake({ self: nodeId(2), clusterSecret: 'guess', clusterId }, target.self, Lane.MAIN).hello();
    const data = encodeRaftFrame([heartbeat(nodeId(2), target.self, 1)]);
    for (let i = 0; i < 20; i++) {
      const socket = connect(target.address().port, loopback);
      socket.resume();
      socket.write(Buffer.concat([frameHeader(hello.byteLength), hello, frameHeader(data.byteLength), data]));
      await new Promise((resolve) => socket.on('close', resolve));
    }
    expect(logger.warnings.filter((warning) => warning['errorName'] === 'ProtocolError')).toHaveLength(1);
  });

  it('reconnects after the peer restarts', async () => {
    const [a, b] = await start({ self: nodeId(1) }, { self: nodeId(2) });
    if (a === undefined || b === undefined) throw new Error('two transports expected');
    const atB = recorder(b);
    a.sendRaft(b.self, [heartbeat(a.self, b.self, 1)]);
    await atB.until((arrived) => arrived.length === 1);
    const port = b.address().port;
    const down = unreachableOnce(a, b.self);
    await b.close();
    await down;
    const restarted = new TcpTransport({ self: b.self, listen: { host: loopback, port }, peers: new Map([[a.self, a.address()]]), clusterSecret, clusterId });
    running.push(restarted);
    await restarted.start();
    const atRestarted = recorder(restarted);
    await eventually(
      () => atRestarted.arrived.length > 0,
      () => a.sendRaft(b.self, [heartbeat(a.self, b.self, 2)]),
    );
    expect(atRestarted.arrived[0]).toMatchObject({ type: MessageType.HEARTBEAT, group: 2, from: a.self });
  });

  it('resets the link on a frame above the receiver limit, then recovers', async () => {
    const logger = capturingLogger();
    const [a, b] = await start({ self: nodeId(1) }, { self: nodeId(2), limits: { maxFrameBytes: 64 * 1024 }, logger });
    if (a === undefined || b === undefined) throw new Error('two transports expected');
    const atB = recorder(b);
    const reset = unreachableOnce(a, b.self);
    a.sendRaft(b.self, [append(a.self, b.self, 1, 100 * 1024)]);
    await reset;
    expect(logger.warnings.some((warning) => warning['errorName'] === 'FrameTooLargeError')).toBe(true);
    await eventually(
      () => atB.arrived.length > 0,
      () => a.sendRaft(b.self, [heartbeat(a.self, b.self, 2)]),
    );
    expect(atB.arrived.every((message) => message.type === MessageType.HEARTBEAT)).toBe(true);
  });

  it('keeps heartbeats off the snapshot lane: a heartbeat sent after a 16 MiB chunk arrives first', async () => {
    const [a, b] = await start({ self: nodeId(1) }, { self: nodeId(2) });
    if (a === undefined || b === undefined) throw new Error('two transports expected');
    const atB = recorder(b);
    // Warm both lanes so that neither waits on a handshake below.
    a.sendRaft(b.self, [snapshotChunk(a.self, b.self, 16), heartbeat(a.self, b.self, 1)]);
    await atB.until((arrived) => arrived.length === 2);
    atB.arrived.length = 0;
    a.sendRaft(b.self, [snapshotChunk(a.self, b.self, 16 * 1024 * 1024)]);
    a.sendRaft(b.self, [heartbeat(a.self, b.self, 2)]);
    await atB.until((arrived) => arrived.length === 2);
    expect(atB.arrived.map((message) => message.type)).toStrictEqual([MessageType.HEARTBEAT, MessageType.SNAP]);
    expect(a.counters(b.self)).toMatchObject({ framesSent: 4, snapshotFramesSent: 2 });
  });

  it('lets a call overtake queued raft frames on the same connection', async () => {
    const backedUp: Partial<TransportLimits> = { socketWriteBufferBytes: 1 };
    const [a, b] = await start({ self: nodeId(1), limits: backedUp }, { self: nodeId(2) });
    if (a === undefined || b === undefined) throw new Error('two transports expected');
    const atB = recorder(b);
    let batchesBeforeCall = -1;
    b.onCall(() => {
      batchesBeforeCall = atB.arrived.length;
      return Promise.resolve(Uint8Array.of(1));
    });
    const batches = 50;
    for (let group = 1; group <= batches; group += 1) {
      a.sendRaft(b.self, [append(a.self, b.self, group, 64 * 1024)]);
    }
    await expect(a.call(b.self, Uint8Array.of(0), 30_000)).resolves.toStrictEqual(Uint8Array.of(1));
    await atB.until((arrived) => arrived.length === batches);
    expect(batchesBeforeCall).toBeGreaterThanOrEqual(0);
    expect(batchesBeforeCall).toBeLessThan(batches);
  });
});
