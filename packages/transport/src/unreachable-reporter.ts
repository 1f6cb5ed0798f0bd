import type { NodeId } from '@flotilla/raft';
import type { UnreachableHandler } from './transport.js';

/**
 * Collects unreachable peers and reports them in a microtask: never re-entering the host from
 * inside `sendRaft`, and once per peer however many batches were dropped meanwhile.
 */
export class UnreachableReporter {
  private readonly pending = new Set<NodeId>();
  private handler: UnreachableHandler = () => {};
  private stopped = false;

  setHandler(handler: UnreachableHandler): void {
    this.handler = handler;
  }

  report(peer: NodeId): void {
    if (this.stopped) {
      return;
    }
    if (this.pending.size === 0) {
      queueMicrotask(() => this.flush());
    }
    this.pending.add(peer);
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
  }

  private flush(): void {
    const peers = [...this.pending];
    this.pending.clear();
    for (const peer of peers) {
      if (this.stopped) {
        return;
      }
      this.handler(peer);
    }
  }
}
