import type { NodeId } from './types.js';

/** A ReadIndex request the leader is confirming with a heartbeat round. */
export interface PendingRead {
  /** The leader's commit index when the request arrived. */
  readonly index: number;
  /** Who asked (the leader itself, or a follower that forwarded it). */
  readonly from: NodeId;
  readonly context: Uint8Array;
  readonly acks: Set<NodeId>;
}

/** Contexts are compared by content; a hex string is a cheap map key. */
const contextKey = (context: Uint8Array): string => {
  let key = '';
  for (const byte of context) key += byte.toString(16).padStart(2, '0');
  return key;
};

/**
 * The leader's queue of ReadIndex requests. Each request's context rides on heartbeats; a
 * quorum acknowledging a context proves leadership at that time, which releases that request
 * and every one queued before it (one heartbeat round answers a whole batch).
 */
export class ReadOnly {
  private readonly pending = new Map<string, PendingRead>();
  private readonly queue: string[] = [];

  constructor(readonly maxPending: number) {}

  get size(): number {
    return this.queue.length;
  }

  isFull(): boolean {
    return this.queue.length >= this.maxPending;
  }

  /** Queues a request; a context already queued is not queued twice. */
  add(index: number, from: NodeId, context: Uint8Array): void {
    const key = contextKey(context);
    if (this.pending.has(key)) return;
    this.pending.set(key, { index, from, context, acks: new Set() });
    this.queue.push(key);
  }

  /** Records that `from` acknowledged `context`; returns who has acknowledged it, if it is queued. */
  recvAck(from: NodeId, context: Uint8Array): ReadonlySet<NodeId> | undefined {
    const read = this.pending.get(contextKey(context));
    if (read === undefined) return undefined;
    read.acks.add(from);
    return read.acks;
  }

  /** Removes and returns the request for `context` and all queued before it. */
  release(context: Uint8Array): PendingRead[] {
    const at = this.queue.indexOf(contextKey(context));
    if (at < 0) return [];
    const released = this.queue.splice(0, at + 1).map((key) => this.pending.get(key) as PendingRead);
    for (const read of released) this.pending.delete(contextKey(read.context));
    return released;
  }

  /** The newest context: the one heartbeats carry. */
  lastContext(): Uint8Array | undefined {
    const key = this.queue[this.queue.length - 1];
    return key === undefined ? undefined : this.pending.get(key)?.context;
  }

  clear(): void {
    this.pending.clear();
    this.queue.length = 0;
  }
}
