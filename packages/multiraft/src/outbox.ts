import type { Message, NodeId } from '@flotilla/raft';
import type { Transport } from '@flotilla/transport';
import type { HostObserver } from './host-observer.js';

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

  /** Sends every gathered message; `observer` hears of each as it leaves. */
  flush(transport: Transport, observer?: Pick<HostObserver, 'onSend'>): void {
    for (const [peer, messages] of this.byPeer) {
      if (observer !== undefined) for (const message of messages) observer.onSend(message);
      transport.sendRaft(peer, messages);
    }
    this.byPeer.clear();
  }
}
