import { afterAll, beforeAll, bench, describe } from 'vitest';
import { EntryType, MessageType, groupId, nodeId } from '@flotilla/raft';
import type { Message } from '@flotilla/raft';
import { TcpTransport } from './tcp-transport.js';

// Loopback throughput of one TcpTransport pair with realistic batches: each frame carries
// 64 APP messages (64 groups) of one 256-byte entry. Frames/s = hz × framesPerRun; the byte
// size of a frame is printed once, for MB/s. Run: pnpm exec vitest bench --project transport --run
const framesPerRun = 2000;
/** Frames in flight at once, as a host's inflight windows would allow. */
const windowFrames = 64;
const messagesPerFrame = 64;
const entryBytes = 256;

const from = nodeId(1);
const to = nodeId(2);
const clusterSecret = 'bench-cluster-secret';
const sender = new TcpTransport({ self: from, listen: { host: '127.0.0.1', port: 0 }, peers: new Map(), clusterSecret, clusterId: 'bench-cluster' });
const receiver = new TcpTransport({ self: to, listen: { host: '127.0.0.1', port: 0 }, peers: new Map(), clusterSecret, clusterId: 'bench-cluster' });

let nextIndex = 1;
const batch = (): Message[] =>
  Array.from({ length: messagesPerFrame }, (_, group) => ({
    type: MessageType.APP,
    group: groupId(group + 1),
    from,
    to,
    term: 2,
    index: nextIndex,
    logTerm: 2,
    commit: nextIndex,
    entries: [{ index: nextIndex + 1, term: 2, type: EntryType.COMMAND, data: new Uint8Array(entryBytes).fill(group) }],
  }));

let framesReceived = 0;
let wake: (() => void) | undefined;
receiver.onRaft(() => {
  framesReceived += 1;
  wake?.();
});

const arrival = (): Promise<void> => new Promise((resolve) => (wake = resolve));

beforeAll(async () => {
  await Promise.all([sender.start(), receiver.start()]);
  sender.setPeers(new Map([[to, receiver.address()]]));
  receiver.setPeers(new Map([[from, sender.address()]]));
});

afterAll(async () => {
  const counters = sender.counters(to);
  const frameBytes = counters.bytesSent / counters.framesSent;
  console.log(`frame: ${messagesPerFrame} APP x ${entryBytes} B = ${frameBytes.toFixed(0)} B on the wire; frames/s = hz x ${framesPerRun}; MB/s = frames/s x ${(frameBytes / 1e6).toFixed(4)}; dropped ${counters.messagesDropped}`);
  await Promise.all([sender.close(), receiver.close()]);
});

describe('TcpTransport loopback', () => {
  bench(
    `${framesPerRun} frames of ${messagesPerFrame} x ${entryBytes} B APP, window ${windowFrames}`,
    async () => {
      const receivedBefore = framesReceived;
      let sent = 0;
      while (framesReceived - receivedBefore < framesPerRun) {
        while (sent < framesPerRun && sent - (framesReceived - receivedBefore) < windowFrames) {
          nextIndex += 1;
          sender.sendRaft(to, batch());
          sent += 1;
        }
        await arrival();
      }
    },
    { iterations: 5, warmupIterations: 1 },
  );
});
