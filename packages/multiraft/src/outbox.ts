import type { Message, NodeId } from '@flotilla/raft';
import type { Transport } from '@flotilla/transport';

/** Messages gathered during a loop turn, sent as one frame per peer when the turn flushes. */
export class Outbox {
  private readonly byPeer = new Map<NodeId, Message[]>();

  add(messages: readonly Message[]): void {
    for (const message of messages) {
      const queued = this.byPeer.get(message.to);
      if (queued === undefined) this.byPeer.set(message.to, [message]);
      else queued.push(message);
    }
  }

  get isEmpty(): boolean {
    return this.byPeer.size === 0;
  }

  flush(transport: Transport): void {
    for (const [peer, messages] of this.byPeer) transport.sendRaft(peer, messages);
    this.byPeer.clear();
  }
}
