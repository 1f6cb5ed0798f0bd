import type { NodeId, Xoshiro128 } from '@flotilla/raft';
import type { KvWrite } from '../statemachine/kv-command.js';
import type { ClientRequest, RequestTarget } from './client-request.js';
import { HistoryRecorder } from './history-recorder.js';
import type { ClientInvocation } from './history-recorder.js';

export interface WorkloadOptions {
  readonly clients: number;
  readonly keys: readonly string[];
  /** Per step and idle client, the chance of a new request. */
  readonly requestProbability: number;
  /** A client gives up on a request after this many steps: a write's outcome becomes unknown. */
  readonly requestTimeoutSteps: number;
}

interface Waiting {
  readonly seq: number;
  readonly handle: number;
  readonly deadlineStep: number;
}

interface SimClient {
  readonly id: number;
  nextSeq: number;
  /** The node the client believes leads. */
  target: NodeId | undefined;
  waiting: Waiting | undefined;
  /** The last value seen per key: what its compare-and-swaps expect. */
  readonly lastSeen: Map<string, string | null>;
}

/**
 * Simulated clients, one request at a time each, issuing puts, gets, compare-and-swaps and
 * deletes on a few keys to whichever node they think leads, and recording the history.
 */
export class ClientWorkload {
  readonly history = new HistoryRecorder();
  private readonly clients: SimClient[];
  issuing = true;

  constructor(
    private readonly random: Xoshiro128,
    private readonly options: WorkloadOptions,
  ) {
    if (options.keys.length === 0) throw new RangeError('the workload needs at least one key');
    this.clients = Array.from({ length: options.clients }, (_, index) => ({
      id: index + 1,
      nextSeq: 1,
      target: undefined,
      waiting: undefined,
      lastSeen: new Map(),
    }));
  }

  step(nowStep: number, target: RequestTarget): void {
    for (const client of this.clients) {
      if (client.waiting !== undefined && nowStep >= client.waiting.deadlineStep) {
        this.history.abandon(client.waiting.handle);
        client.waiting = undefined;
        client.target = undefined; // it may have asked a dead or deposed node
      }
      if (client.waiting === undefined && this.issuing && this.random.chance(this.options.requestProbability)) {
        this.issue(client, nowStep, target);
      }
    }
  }

  private issue(client: SimClient, nowStep: number, target: RequestTarget): void {
    const nodes = target.reachableNodes();
    if (nodes.length === 0) return;
    const node = client.target !== undefined && nodes.includes(client.target) ? client.target : this.random.pick(nodes);
    const seq = client.nextSeq++;
    const key = this.random.pick(this.options.keys);
    const invocation = this.drawInvocation(client, seq, key);
    const request: ClientRequest =
      invocation.op === 'get'
        ? { kind: 'read', client: client.id, seq, key }
        : { kind: 'write', client: client.id, seq, write: toWrite(invocation) };
    const handle = this.history.invoke(client.id, invocation);
    const result = target.submit(node, request);
    if (result.accepted) {
      client.target = node;
      client.waiting = { seq, handle, deadlineStep: nowStep + this.options.requestTimeoutSteps };
    } else {
      this.history.forget(handle);
      client.target = result.leaderHint;
    }
  }

  private drawInvocation(client: SimClient, seq: number, key: string): ClientInvocation {
    const value = `c${client.id}s${seq}`;
    switch (this.random.int(4)) {
      case 0:
        return { op: 'get', key };
      case 1:
        return { op: 'put', key, value };
      case 2:
        return { op: 'cas', key, expect: client.lastSeen.get(key) ?? null, value };
      default:
        return { op: 'delete', key };
    }
  }

  /** A write's outcome, from the node that applied it; stale answers (after a timeout) are ignored. */
  completeWrite(clientId: number, seq: number, succeeded: boolean, key: string, valueAfter: string | null): void {
    const client = this.waitingClient(clientId, seq);
    if (client?.waiting === undefined) return;
    this.history.complete(client.waiting.handle, { succeeded });
    client.lastSeen.set(key, valueAfter);
    client.waiting = undefined;
  }

  completeRead(clientId: number, seq: number, key: string, value: string | null): void {
    const client = this.waitingClient(clientId, seq);
    if (client?.waiting === undefined) return;
    this.history.complete(client.waiting.handle, { value });
    client.lastSeen.set(key, value);
    client.waiting = undefined;
  }

  private waitingClient(clientId: number, seq: number): SimClient | undefined {
    const client = this.clients[clientId - 1];
    return client?.waiting?.seq === seq ? client : undefined;
  }
}

function toWrite(invocation: Exclude<ClientInvocation, { op: 'get' }>): KvWrite {
  switch (invocation.op) {
    case 'put':
      return { op: 'put', key: invocation.key, value: invocation.value };
    case 'delete':
      return { op: 'delete', key: invocation.key };
    case 'cas':
      return { op: 'cas', key: invocation.key, expected: invocation.expect, value: invocation.value };
  }
}
