import type { KvOperation } from '../linearizability/index.js';

type Invocation =
  | { readonly op: 'get'; readonly key: string }
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'cas'; readonly key: string; readonly expect: string | null; readonly value: string }
  | { readonly op: 'delete'; readonly key: string };

export type { Invocation as ClientInvocation };

interface Pending {
  readonly client: number;
  readonly call: number;
  readonly invocation: Invocation;
}

/**
 * The clients' history on one logical clock: every call and every return takes the next tick,
 * so the checker sees exactly which operations overlapped.
 */
export class HistoryRecorder {
  private clock = 0;
  private nextHandle = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly completed: KvOperation[] = [];

  invoke(client: number, invocation: Invocation): number {
    const handle = this.nextHandle++;
    this.pending.set(handle, { client, call: ++this.clock, invocation });
    return handle;
  }

  /** Records an observed outcome: `found`/`got` for a get, `swapped` for a cas, `deleted` for a delete. */
  complete(handle: number, outcome: { readonly value?: string | null; readonly succeeded?: boolean }): void {
    const { client, call, invocation } = this.take(handle);
    const base = { client, key: invocation.key, call, ret: ++this.clock, status: 'ok' as const };
    switch (invocation.op) {
      case 'get': {
        const value = outcome.value ?? null;
        this.completed.push(value === null ? { ...base, op: 'get', found: false } : { ...base, op: 'get', found: true, got: value });
        return;
      }
      case 'put':
        this.completed.push({ ...base, op: 'put', value: invocation.value });
        return;
      case 'cas':
        this.completed.push({ ...base, ...this.casFields(invocation), swapped: this.requireSucceeded(outcome) });
        return;
      case 'delete':
        this.completed.push({ ...base, op: 'delete', deleted: this.requireSucceeded(outcome) });
        return;
    }
  }

  /** The client stopped waiting: a write may still take effect, a read says nothing and is left out. */
  abandon(handle: number): void {
    const { client, call, invocation } = this.take(handle);
    if (invocation.op === 'get') return;
    const base = { client, key: invocation.key, call, ret: null, status: 'unknown' as const };
    if (invocation.op === 'put') this.completed.push({ ...base, op: 'put', value: invocation.value });
    else if (invocation.op === 'cas') this.completed.push({ ...base, ...this.casFields(invocation) });
    else this.completed.push({ ...base, op: 'delete' });
  }

  /** A request refused before it was proposed: it never happened. */
  forget(handle: number): void {
    this.take(handle);
  }

  /** Every operation, with the ones still waiting counted as abandoned. */
  operations(): KvOperation[] {
    for (const handle of [...this.pending.keys()]) this.abandon(handle);
    return [...this.completed];
  }

  private casFields(invocation: Extract<Invocation, { op: 'cas' }>): { op: 'cas'; value: string; expect?: string } {
    return invocation.expect === null
      ? { op: 'cas', value: invocation.value }
      : { op: 'cas', value: invocation.value, expect: invocation.expect };
  }

  private requireSucceeded(outcome: { readonly succeeded?: boolean }): boolean {
    if (outcome.succeeded === undefined) throw new Error('a cas or delete completed without its outcome');
    return outcome.succeeded;
  }

  private take(handle: number): Pending {
    const pending = this.pending.get(handle);
    if (pending === undefined) throw new Error(`no pending operation ${handle}`);
    this.pending.delete(handle);
    return pending;
  }
}
