import type { KvService, ReadConsistency } from '@flotilla/multiraft';
import { HistoryRecorder } from '@flotilla/testkit';
import type { Xoshiro128 } from '@flotilla/raft';
import type { ClientInvocation } from '@flotilla/testkit';

export interface ServiceWorkloadOptions {
  readonly clients: number;
  /** Spread over the groups by their hashes. */
  readonly keys: readonly string[];
  /** Per step and idle client, the chance of a new request. */
  readonly requestProbability: number;
  /** Per read, the chance that it is a bounded-staleness read (exercised, not in the history). */
  readonly boundedReadProbability: number;
  /** A client gives up after this many steps: a write's outcome becomes unknown. */
  readonly requestTimeoutSteps: number;
}

/** Where the clients send requests: any node that serves, chosen per request. */
export interface ServiceTarget {
  services(): readonly KvService[];
}

/** The last value a client saw of a key and the revision that wrote it: what its next compare-and-swap expects. */
interface Seen {
  readonly value: string | null;
  readonly revision: number;
}

interface Client {
  readonly id: number;
  nextSeq: number;
  waiting: { readonly seq: number; readonly handle: number; readonly deadlineStep: number } | undefined;
  readonly lastSeen: Map<string, Seen>;
}

/** Errors that say the request never took effect: it is left out of the history. */
const NEVER_APPLIED: ReadonlySet<string> = new Set(['not_leader', 'no_leader', 'overloaded', 'shutting_down', 'too_large', 'invalid_request']);
/** Simulated clients count from 1. */
const PROBE_CLIENT = 0;
const LINEARIZABLE: ReadConsistency = { kind: 'linearizable' };

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (text: string): Uint8Array => encoder.encode(text);

/**
 * Simulated clients on the real request path: each sends one request at a time to any serving
 * node's KvService (which routes to the key's group, forwards writes to its leader, confirms
 * reads by ReadIndex), over keys spread across the groups. Puts, deletes and compare-and-swaps
 * (a put conditioned on the revision of the value the client last saw; values are unique, so
 * this is a compare on the value) and linearizable reads are recorded for the checker.
 */
export class ServiceWorkload {
  readonly history = new HistoryRecorder();
  private readonly clients: Client[];
  issuing = true;
  boundedReads = 0;
  writesAcknowledged = 0;
  readsServed = 0;

  constructor(
    private readonly random: Xoshiro128,
    private readonly options: ServiceWorkloadOptions,
  ) {
    if (options.keys.length === 0) throw new RangeError('the workload needs at least one key');
    this.clients = Array.from({ length: options.clients }, (_, index) => ({ id: index + 1, nextSeq: 1, waiting: undefined, lastSeen: new Map() }));
  }

  step(nowStep: number, target: ServiceTarget): void {
    for (const client of this.clients) {
      if (client.waiting !== undefined && nowStep >= client.waiting.deadlineStep) {
        this.history.abandon(client.waiting.handle);
        client.waiting = undefined;
        client.lastSeen.clear();
      }
      if (client.waiting === undefined && this.issuing && this.random.chance(this.options.requestProbability)) {
        this.issue(client, nowStep, target);
      }
    }
  }

  private issue(client: Client, nowStep: number, target: ServiceTarget): void {
    const services = target.services();
    if (services.length === 0) return;
    const service = this.random.pick(services);
    const key = this.random.pick(this.options.keys);
    const seq = client.nextSeq++;
    const invocation = this.drawInvocation(client, seq, key);
    const expectedRevision = client.lastSeen.get(key)?.revision ?? 0;
    if (invocation.op === 'get' && this.random.chance(this.options.boundedReadProbability)) {
      // A bounded read may be stale by design: it is served, not checked for linearizability.
      this.boundedReads++;
      service.get(bytes(key), { kind: 'bounded', maxStalenessMs: 50 }).catch(() => undefined);
      return;
    }
    const handle = this.history.invoke(client.id, invocation);
    client.waiting = { seq, handle, deadlineStep: nowStep + this.options.requestTimeoutSteps };
    const still = (): boolean => client.waiting?.seq === seq;
    this.run(service, invocation, expectedRevision).then(
      (outcome) => {
        if (!still()) return;
        client.waiting = undefined;
        if (invocation.op === 'get') this.readsServed++;
        else this.writesAcknowledged++;
        this.history.complete(handle, outcome);
        if (outcome.seen === undefined) client.lastSeen.delete(key);
        else client.lastSeen.set(key, outcome.seen);
      },
      (error: unknown) => {
        if (!still()) return;
        client.waiting = undefined;
        client.lastSeen.delete(key);
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'string' && NEVER_APPLIED.has(code)) this.history.forget(handle);
        else this.history.abandon(handle);
      },
    );
  }

  /**
   * A put of `value` by the probe client (id 0), recorded like any other write: clients'
   * requests still in flight may read it. Resolves to whether it was acknowledged.
   */
  probe(service: KvService, key: string, value: string): Promise<boolean> {
    const handle = this.history.invoke(PROBE_CLIENT, { op: 'put', key, value });
    return service.execute({ op: 'put', key: bytes(key), value: bytes(value) }).then(
      () => {
        this.history.complete(handle, {});
        return true;
      },
      (error: unknown) => {
        const code = (error as { code?: unknown } | null)?.code;
        if (typeof code === 'string' && NEVER_APPLIED.has(code)) this.history.forget(handle);
        else this.history.abandon(handle);
        return false;
      },
    );
  }

  private drawInvocation(client: Client, seq: number, key: string): ClientInvocation {
    const value = `c${client.id}s${seq}`;
    const seen = client.lastSeen.get(key);
    switch (this.random.int(4)) {
      case 0:
        return { op: 'get', key };
      case 1:
        return { op: 'put', key, value };
      case 2:
        return seen === undefined ? { op: 'get', key } : { op: 'cas', key, expect: seen.value, value };
      default:
        return { op: 'delete', key };
    }
  }

  /** The request on the service; the outcome as the history records it, and what the client saw. */
  private async run(service: KvService, invocation: ClientInvocation, expectedRevision: number): Promise<{ value?: string | null; succeeded?: boolean; seen: Seen | undefined }> {
    const key = bytes(invocation.key);
    switch (invocation.op) {
      case 'get': {
        const found = await service.get(key, LINEARIZABLE);
        const value = found === undefined ? null : decoder.decode(found.value);
        return { value, seen: { value, revision: found?.modRevision ?? 0 } };
      }
      case 'put': {
        const { result } = await service.execute({ op: 'put', key, value: bytes(invocation.value) });
        return { seen: result.succeeded && result.op === 'put' ? { value: invocation.value, revision: result.modRevision } : undefined };
      }
      case 'cas': {
        const { result } = await service.execute({ op: 'put', key, value: bytes(invocation.value), ifRevision: expectedRevision });
        if (result.succeeded && result.op === 'put') return { succeeded: true, seen: { value: invocation.value, revision: result.modRevision } };
        return { succeeded: false, seen: undefined };
      }
      case 'delete': {
        const { result } = await service.execute({ op: 'delete', key });
        if (!result.succeeded || result.op !== 'delete') throw new Error(`an unconditional delete failed: ${JSON.stringify(result)}`);
        return { succeeded: result.deleted, seen: { value: null, revision: 0 } };
      }
    }
  }
}
