import type { NodeId } from '@flotilla/raft';
import { CallLimitError, CallTimeoutError, RemoteCallError } from './errors.js';
import type { Scheduler } from './scheduler.js';

interface PendingCall {
  readonly peer: NodeId;
  readonly resolve: (body: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  readonly cancelTimeout: () => void;
}

/** Calls awaiting an answer, with their deadlines and the per-peer in-flight bound. */
export class PendingCalls {
  private readonly calls = new Map<number, PendingCall>();
  private readonly inflightByPeer = new Map<NodeId, number>();
  private lastCallId = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly maxInflightCalls: number,
  ) {}

  /** Registers a call; throws CallLimitError when the peer already has too many in flight. */
  begin(peer: NodeId, timeoutMs: number): { readonly callId: number; readonly answer: Promise<Uint8Array> } {
    const inflight = this.inflightByPeer.get(peer) ?? 0;
    if (inflight >= this.maxInflightCalls) {
      throw new CallLimitError(peer, this.maxInflightCalls);
    }
    this.lastCallId += 1;
    const callId = this.lastCallId;
    const answer = new Promise<Uint8Array>((resolve, reject) => {
      const cancelTimeout = this.scheduler.after(timeoutMs, () => this.settle(callId, new CallTimeoutError(peer, timeoutMs)));
      this.calls.set(callId, { peer, resolve, reject, cancelTimeout });
    });
    this.inflightByPeer.set(peer, inflight + 1);
    return { callId, answer };
  }

  /** An answer from `peer`. Answers to calls that already timed out (or that `peer` was never asked) are ignored. */
  answer(peer: NodeId, callId: number, result: { readonly body: Uint8Array } | { readonly errorMessage: string }): void {
    if (this.calls.get(callId)?.peer !== peer) {
      return;
    }
    this.settle(callId, 'body' in result ? result.body : new RemoteCallError(peer, result.errorMessage));
  }

  fail(callId: number, error: Error): void {
    this.settle(callId, error);
  }

  failPeer(peer: NodeId, error: Error): void {
    for (const [callId, call] of this.calls) {
      if (call.peer === peer) {
        this.settle(callId, error);
      }
    }
  }

  failAll(error: Error): void {
    for (const callId of [...this.calls.keys()]) {
      this.settle(callId, error);
    }
  }

  private settle(callId: number, outcome: Uint8Array | Error): void {
    const call = this.calls.get(callId);
    if (call === undefined) {
      return;
    }
    this.calls.delete(callId);
    call.cancelTimeout();
    const inflight = (this.inflightByPeer.get(call.peer) ?? 1) - 1;
    if (inflight === 0) {
      this.inflightByPeer.delete(call.peer);
    } else {
      this.inflightByPeer.set(call.peer, inflight);
    }
    if (outcome instanceof Error) {
      call.reject(outcome);
    } else {
      call.resolve(outcome);
    }
  }
}
