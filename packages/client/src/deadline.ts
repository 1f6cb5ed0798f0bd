/**
 * One call's time limit and cancellation: its `signal` fires when `timeoutMs` passes or the
 * caller's own signal fires, whichever is first. `dispose` must be called when the call ends.
 */
export class Deadline {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly endsAtMs: number;
  private readonly onCallerAbort = (): void => this.controller.abort(this.caller?.reason);
  /** Set when the time limit, not the caller, fired the signal. */
  private expiredFirst = false;

  constructor(
    timeoutMs: number,
    private readonly caller: AbortSignal | undefined,
  ) {
    this.endsAtMs = performance.now() + timeoutMs;
    this.timer = setTimeout(() => {
      this.expiredFirst = !this.controller.signal.aborted;
      this.controller.abort();
    }, timeoutMs);
    if (caller?.aborted === true) this.onCallerAbort();
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Why the call must stop now, if it must: the caller's abort, or the time limit. */
  get stopped(): 'aborted' | 'expired' | undefined {
    if (!this.controller.signal.aborted) return undefined;
    return this.expiredFirst ? 'expired' : 'aborted';
  }

  /** What the caller aborted with (a DOMException `AbortError` unless it gave a reason). */
  get abortReason(): unknown {
    return this.caller?.reason;
  }

  remainingMs(): number {
    return Math.max(0, this.endsAtMs - performance.now());
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
  }
}
