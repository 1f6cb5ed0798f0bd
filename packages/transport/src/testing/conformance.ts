import { afterEach, describe, expect, it } from 'vitest';
import { EntryType, MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import { CallLimitError, CallTimeoutError, PeerUnreachableError, RemoteCallError, TransportClosedError } from '../errors.js';
import type { TransportLimits } from '../limits.js';
import type { Transport } from '../transport.js';

/** Started transports that know each other, plus one peer they all know that never answers. */
export interface ConformanceNodes {
  readonly transports: readonly Transport[];
  readonly deadPeer: NodeId;
  stop(): Promise<void>;
}

export type ConformanceFactory = (options: { readonly nodeCount: number; readonly limits?: Partial<TransportLimits> }) => Promise<ConformanceNodes>;

/** Collects raft batches and wakes whoever waits for a given count (no clocks involved). */
class Inbox {
  readonly batches: { readonly from: NodeId; readonly messages: Message[] }[] = [];
  private waiters: { readonly count: number; readonly wake: () => void }[] = [];

  readonly handler = (from: NodeId, messages: Message[]): void => {
    this.batches.push({ from, messages });
    this.waiters = this.waiters.filter((waiter) => {
      if (this.batches.length >= waiter.count) {
        waiter.wake();
        return false;
      }
      return true;
    });
  };

  untilBatches(count: number): Promise<void> {
    return this.batches.length >= count ? Promise.resolve() : new Promise((wake) => this.waiters.push({ count, wake }));
  }

  get messages(): Message[] {
    return this.batches.flatMap((batch) => batch.messages);
  }
}

const nextUnreachable = (transport: Transport, peer: NodeId): Promise<void> =>
  new Promise((resolve) =>
    transport.onUnreachable((reported) => {
      if (reported === peer) {
        resolve();
      }
    }),
  );

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);

/** One message of most shapes the core sends, so every optional field crosses the wire. */
export const sampleMessages = (from: NodeId, to: NodeId): Message[] => {
  const base = { from, to, term: 7 };
  return [
    {
      ...base,
      type: MessageType.APP,
      group: groupId(1),
      index: 10,
      logTerm: 6,
      commit: 9,
      entries: [
        { index: 11, term: 7, type: EntryType.COMMAND, data: bytes(300, 1) },
        { index: 12, term: 7, type: EntryType.NO_OP, data: new Uint8Array(0) },
        {
          index: 13,
          term: 7,
          type: EntryType.CONFIGURATION,
          data: new Uint8Array(0),
          change: { changes: [{ kind: 3, node: nodeId(4) }], leaveJoint: false },
        },
      ],
    },
    { ...base, type: MessageType.APP_RESP, group: groupId(2), index: 4, reject: true, rejectHint: 3, hintTerm: 2, logTerm: 5 },
    { ...base, type: MessageType.VOTE, group: groupId(3), index: 20, logTerm: 6, transfer: true },
    { ...base, type: MessageType.READ_INDEX, group: groupId(4), context: bytes(16, 2) },
    { ...base, type: MessageType.HEARTBEAT, group: groupId(5), commit: 3, leaderCommit: 9, context: bytes(8, 3) },
    { ...base, type: MessageType.HEARTBEAT, group: groupId(6), commit: 4 },
    { ...base, type: MessageType.HEARTBEAT, group: groupId(10), commit: 4, leaderCommit: 9 },
    { ...base, type: MessageType.HEARTBEAT_RESP, group: groupId(7) },
    { ...base, type: MessageType.SNAP_RESP, group: groupId(8), index: 100, offset: 4096, reject: false },
    { ...base, type: MessageType.PROP, group: groupId(9), term: 0, entries: [{ index: 0, term: 0, type: EntryType.COMMAND, data: bytes(5, 4) }] },
  ];
};

const snapshotChunk = (from: NodeId, to: NodeId, group: number, dataBytes: number): Message => ({
  type: MessageType.SNAP,
  group: groupId(group),
  from,
  to,
  term: 3,
  snapshot: {
    meta: { index: 50, term: 3, conf: { voters: [from, to], votersOutgoing: [], learners: [], learnersNext: [] } },
    offset: 0,
    data: bytes(dataBytes, group),
    done: false,
  },
});

const heartbeat = (from: NodeId, to: NodeId, group: number): Message => ({ type: MessageType.HEARTBEAT, group: groupId(group), from, to, term: 2, commit: group });

const byTypeAndGroup = (a: Message, b: Message): number => a.type - b.type || a.group - b.group;

const twoOf = (nodes: ConformanceNodes): [Transport, Transport] => {
  const [a, b] = nodes.transports;
  if (a === undefined || b === undefined) {
    throw new Error('the conformance factory must build at least two transports');
  }
  return [a, b];
};

/** The behaviour every Transport promises the host, run against one implementation. */
export const describeTransportConformance = (name: string, factory: ConformanceFactory): void => {
  describe(`${name} conformance`, () => {
    let running: ConformanceNodes | undefined;
    const build = async (limits?: Partial<TransportLimits>): Promise<[Transport, Transport, ConformanceNodes]> => {
      running = await factory(limits === undefined ? { nodeCount: 2 } : { nodeCount: 2, limits });
      return [...twoOf(running), running];
    };
    afterEach(async () => {
      await running?.stop();
      running = undefined;
    });

    it('delivers raft batches both ways with every field intact', async () => {
      const [a, b] = await build();
      const atA = new Inbox();
      const atB = new Inbox();
      a.onRaft(atA.handler);
      b.onRaft(atB.handler);
      const toB = sampleMessages(a.self, b.self);
      const toA = sampleMessages(b.self, a.self);
      a.sendRaft(b.self, toB);
      b.sendRaft(a.self, toA);
      await Promise.all([atA.untilBatches(1), atB.untilBatches(1)]);
      expect(atB.batches[0]?.from).toBe(a.self);
      expect(atA.batches[0]?.from).toBe(b.self);
      expect([...atB.messages].sort(byTypeAndGroup)).toStrictEqual([...toB].sort(byTypeAndGroup));
      expect([...atA.messages].sort(byTypeAndGroup)).toStrictEqual([...toA].sort(byTypeAndGroup));
      const data = atB.messages.find((message) => message.type === MessageType.APP)?.entries?.[0]?.data;
      expect(data).toBeInstanceOf(Uint8Array);
      expect(Buffer.isBuffer(data)).toBe(false);
    });

    it('sends exactly one frame per sendRaft call', async () => {
      const [a, b] = await build();
      const atB = new Inbox();
      b.onRaft(atB.handler);
      const calls = 5;
      for (let turn = 0; turn < calls; turn += 1) {
        a.sendRaft(b.self, sampleMessages(a.self, b.self));
      }
      a.sendRaft(b.self, []);
      await atB.untilBatches(calls);
      expect(atB.batches).toHaveLength(calls);
      expect(a.counters(b.self).framesSent).toBe(calls);
      expect(b.counters(a.self).framesReceived).toBe(calls);
      expect(b.counters(a.self).bytesReceived).toBe(a.counters(b.self).bytesSent);
      expect(a.countersByPeer().get(b.self)).toBe(a.counters(b.self));
    });

    it('carries the heartbeats and answers of many groups in one frame, every field intact', async () => {
      const [a, b] = await build();
      const atB = new Inbox();
      b.onRaft(atB.handler);
      const batch: Message[] = [];
      for (let group = 1; group <= 200; group += 1) {
        batch.push(heartbeat(a.self, b.self, group));
        batch.push({ type: MessageType.HEARTBEAT_RESP, group: groupId(group), from: a.self, to: b.self, term: 2 });
      }
      batch.push({ ...heartbeat(a.self, b.self, 201), context: bytes(4, 9) });
      a.sendRaft(b.self, batch);
      await atB.untilBatches(1);
      expect([...atB.messages].sort(byTypeAndGroup)).toStrictEqual([...batch].sort(byTypeAndGroup));
    });

    it('carries snapshot chunks one per frame on the snapshot lane', async () => {
      const [a, b] = await build();
      const atB = new Inbox();
      b.onRaft(atB.handler);
      a.sendRaft(b.self, [snapshotChunk(a.self, b.self, 1, 4096), heartbeat(a.self, b.self, 1), snapshotChunk(a.self, b.self, 2, 10)]);
      await atB.untilBatches(3);
      expect(atB.messages.filter((message) => message.type === MessageType.SNAP)).toHaveLength(2);
      expect(b.counters(a.self)).toMatchObject({ framesReceived: 3, snapshotFramesReceived: 2 });
      expect(a.counters(b.self)).toMatchObject({ framesSent: 3, snapshotFramesSent: 2 });
    });

    it('answers calls, and surfaces a remote failure as RemoteCallError', async () => {
      const [a, b] = await build();
      b.onCall((from, body) => {
        if (body.byteLength === 0) {
          return Promise.reject(new Error(`node ${from} sent nothing`));
        }
        return Promise.resolve(body.slice().reverse());
      });
      await expect(a.call(b.self, Uint8Array.of(1, 2, 3), 30_000)).resolves.toStrictEqual(Uint8Array.of(3, 2, 1));
      const failure = a.call(b.self, new Uint8Array(0), 30_000);
      await expect(failure).rejects.toBeInstanceOf(RemoteCallError);
      await expect(failure).rejects.toThrow(`node ${a.self} sent nothing`);
    });

    it('times out a call whose handler never answers', async () => {
      const [a, b] = await build();
      b.onCall(() => new Promise<Uint8Array>(() => {}));
      await expect(a.call(b.self, Uint8Array.of(1), 20)).rejects.toBeInstanceOf(CallTimeoutError);
    });

    it('fails calls to an unknown or unreachable peer with PeerUnreachableError', async () => {
      const [a, , nodes] = await build();
      await expect(a.call(nodeId(12345), Uint8Array.of(1), 30_000)).rejects.toBeInstanceOf(PeerUnreachableError);
      await expect(a.call(nodes.deadPeer, Uint8Array.of(1), 30_000)).rejects.toMatchObject({
        name: 'PeerUnreachableError',
        mayHaveArrived: false,
      });
    });

    it('refuses bad call arguments and calls beyond the in-flight bound', async () => {
      const [a, b] = await build({ maxInflightCalls: 2 });
      const release: (() => void)[] = [];
      // Calls 1 and 2 are held until released; any later call is answered at once.
      b.onCall((_from, body) =>
        (body[0] ?? 0) <= 2 ? new Promise<Uint8Array>((resolve) => release.push(() => resolve(Uint8Array.of(7)))) : Promise.resolve(Uint8Array.of(7)),
      );
      await expect(a.call(b.self, 'text' as unknown as Uint8Array, 1000)).rejects.toBeInstanceOf(TypeError);
      await expect(a.call(b.self, Uint8Array.of(1), 0)).rejects.toBeInstanceOf(RangeError);
      const first = a.call(b.self, Uint8Array.of(1), 30_000);
      const second = a.call(b.self, Uint8Array.of(2), 30_000);
      await expect(a.call(b.self, Uint8Array.of(3), 30_000)).rejects.toBeInstanceOf(CallLimitError);
      while (release.length < 2) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      release.forEach((answer) => answer());
      await expect(Promise.all([first, second])).resolves.toStrictEqual([Uint8Array.of(7), Uint8Array.of(7)]);
      await expect(a.call(b.self, Uint8Array.of(4), 30_000)).resolves.toStrictEqual(Uint8Array.of(7));
    });

    it('answers a call beyond the incoming bound with an error, and serves again once one ends', async () => {
      const [a, b] = await build({ maxIncomingCalls: 1 });
      const release: (() => void)[] = [];
      b.onCall((_from, body) =>
        (body[0] ?? 0) === 1 ? new Promise<Uint8Array>((resolve) => release.push(() => resolve(Uint8Array.of(8)))) : Promise.resolve(Uint8Array.of(9)),
      );
      const held = a.call(b.self, Uint8Array.of(1), 30_000);
      while (release.length < 1) {
        await new Promise((resolve) => setImmediate(resolve));
      }
      const refused = a.call(b.self, Uint8Array.of(2), 30_000);
      await expect(refused).rejects.toBeInstanceOf(RemoteCallError);
      await expect(refused).rejects.toThrow(`node ${b.self} is already serving 1 calls from node ${a.self}`);
      release.forEach((answer) => answer());
      await expect(held).resolves.toStrictEqual(Uint8Array.of(8));
      await expect(a.call(b.self, Uint8Array.of(2), 30_000)).resolves.toStrictEqual(Uint8Array.of(9));
    });

    it('reports an unreachable peer and drops what was sent to it', async () => {
      const [a, , nodes] = await build();
      const reported = nextUnreachable(a, nodes.deadPeer);
      a.sendRaft(nodes.deadPeer, [heartbeat(a.self, nodes.deadPeer, 1)]);
      await reported;
      expect(a.counters(nodes.deadPeer).messagesDropped).toBe(1);
    });

    it('bounds the queue per peer in messages, dropping and reporting the overflow', async () => {
      const [a, b] = await build({ maxQueuedMessages: 4 });
      const atB = new Inbox();
      b.onRaft(atB.handler);
      const reported = nextUnreachable(a, b.self);
      for (let turn = 0; turn < 10; turn += 1) {
        a.sendRaft(b.self, [heartbeat(a.self, b.self, turn + 1)]);
      }
      expect(a.counters(b.self).messagesDropped).toBe(6);
      await reported;
      await atB.untilBatches(4);
      a.sendRaft(b.self, [heartbeat(a.self, b.self, 99)]);
      await atB.untilBatches(5);
      expect(atB.messages.map((message) => message.group)).toStrictEqual([1, 2, 3, 4, 99]);
    });

    it('bounds the queue per peer in bytes, always admitting one frame to an empty queue', async () => {
      const [a, b] = await build({ maxQueuedBytes: 2000 });
      const atB = new Inbox();
      b.onRaft(atB.handler);
      const append = (group: number): Message => ({
        type: MessageType.APP,
        group: groupId(group),
        from: a.self,
        to: b.self,
        term: 1,
        index: 0,
        logTerm: 0,
        commit: 0,
        entries: [{ index: 1, term: 1, type: EntryType.COMMAND, data: bytes(1500, group) }],
      });
      a.sendRaft(b.self, [append(1)]);
      a.sendRaft(b.self, [append(2)]);
      expect(a.counters(b.self).messagesDropped).toBe(1);
      await atB.untilBatches(1);
      expect(atB.messages[0]?.group).toBe(1);
    });

    it('keeps at most the configured snapshot chunks outstanding', async () => {
      const [a, b] = await build({ maxQueuedSnapshotChunks: 2 });
      const atB = new Inbox();
      b.onRaft(atB.handler);
      a.sendRaft(b.self, [1, 2, 3, 4, 5].map((group) => snapshotChunk(a.self, b.self, group, 100)));
      expect(a.counters(b.self).messagesDropped).toBe(3);
      await atB.untilBatches(2);
      expect(atB.messages.map((message) => message.group)).toStrictEqual([1, 2]);
    });

    it('refuses a batch that is not from this node to the named peer', async () => {
      const [a, b] = await build();
      expect(() => a.sendRaft(b.self, [heartbeat(b.self, a.self, 1)])).toThrow(/sendRaft/);
    });

    it('stops everything on close', async () => {
      const [a, b] = await build();
      const atB = new Inbox();
      b.onRaft(atB.handler);
      b.onCall(() => new Promise<Uint8Array>(() => {}));
      a.sendRaft(b.self, [heartbeat(a.self, b.self, 1)]);
      await atB.untilBatches(1);
      const pending = a.call(b.self, Uint8Array.of(1), 30_000);
      const reported = nextUnreachable(a, b.self);
      await b.close();
      await expect(pending).rejects.toMatchObject({ name: 'PeerUnreachableError', mayHaveArrived: true });
      a.sendRaft(b.self, [heartbeat(a.self, b.self, 2)]);
      await reported;
      await expect(a.call(b.self, Uint8Array.of(1), 30_000)).rejects.toBeInstanceOf(PeerUnreachableError);
      expect(() => b.sendRaft(a.self, [heartbeat(b.self, a.self, 3)])).not.toThrow();
      await expect(b.call(a.self, Uint8Array.of(1), 30_000)).rejects.toBeInstanceOf(TransportClosedError);
      expect(atB.batches).toHaveLength(1);
    });
  });
};
