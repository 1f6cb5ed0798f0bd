import { describe, expect, it } from 'vitest';
import { groupId, MessageType, nodeId } from '@flotilla/raft';
import type { Message, NodeId } from '@flotilla/raft';
import type { Transport } from '@flotilla/transport';
import { Outbox } from './outbox.js';

const heartbeat = (to: number, group: number): Message => ({
  type: MessageType.HEARTBEAT,
  group: groupId(group),
  from: nodeId(1),
  to: nodeId(to),
  term: 3,
  commit: 0,
});

/** Only sendRaft is used by the outbox; it records each call. */
const recordingTransport = () => {
  const sent: { to: NodeId; messages: readonly Message[] }[] = [];
  const transport = { sendRaft: (to: NodeId, messages: readonly Message[]) => sent.push({ to, messages }) } as unknown as Transport;
  return { transport, sent };
};

describe('Outbox', () => {
  it('sends one batch per peer per flush, holding that peer\'s messages of every group in order', () => {
    const outbox = new Outbox();
    const { transport, sent } = recordingTransport();
    const messages = [heartbeat(2, 1), heartbeat(3, 1), heartbeat(2, 2), heartbeat(2, 3), heartbeat(3, 2)];
    outbox.add(messages.slice(0, 2));
    outbox.add(messages.slice(2));
    expect(outbox.isEmpty).toBe(false);
    outbox.flush(transport);
    expect(sent).toEqual([
      { to: 2, messages: [messages[0], messages[2], messages[3]] },
      { to: 3, messages: [messages[1], messages[4]] },
    ]);
    expect(outbox.isEmpty).toBe(true);
  });

  it('sends nothing when empty, and nothing twice', () => {
    const outbox = new Outbox();
    const { transport, sent } = recordingTransport();
    outbox.flush(transport);
    expect(sent).toEqual([]);
    outbox.add([heartbeat(2, 1)]);
    outbox.flush(transport);
    outbox.flush(transport);
    expect(sent).toHaveLength(1);
  });
});
