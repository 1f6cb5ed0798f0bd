// The history of one key as a doubly linked list of call and return events in time order.
// Linearizing an operation lifts its events out of the list; backtracking puts them back in
// reverse order, which a doubly linked list does in constant time.
import type { ModelOperation } from './kv-model.js';

const noNode = -1;

export class EventList {
  static readonly head = 0;
  /** Node after the last event; node indices between head and tail follow time order. */
  readonly tail: number;
  private readonly nextNode: Int32Array;
  private readonly previousNode: Int32Array;
  private readonly operationAt: Int32Array;
  private readonly returnAt: Uint8Array;
  private readonly callNodeOf: Int32Array;
  private readonly returnNodeOf: Int32Array;

  constructor(model: readonly ModelOperation[]) {
    const events: { time: number; isReturn: boolean; operation: number }[] = [];
    for (const [operation, { call, ret }] of model.entries()) {
      events.push({ time: call, isReturn: false, operation });
      // An operation with an unknown outcome never has to be linearized, so it has no return.
      if (ret !== null) events.push({ time: ret, isReturn: true, operation });
    }
    // At equal times calls go first: operations that touch at an instant count as concurrent,
    // the reading that never calls a correct history illegal.
    events.sort((a, b) => a.time - b.time || Number(a.isReturn) - Number(b.isReturn) || a.operation - b.operation);

    this.tail = events.length + 1;
    const nodeCount = events.length + 2;
    this.nextNode = new Int32Array(nodeCount);
    this.previousNode = new Int32Array(nodeCount);
    this.operationAt = new Int32Array(nodeCount).fill(noNode);
    this.returnAt = new Uint8Array(nodeCount);
    this.callNodeOf = new Int32Array(model.length);
    this.returnNodeOf = new Int32Array(model.length).fill(noNode);
    for (let node = 0; node < nodeCount; node++) {
      this.nextNode[node] = node + 1;
      this.previousNode[node] = node - 1;
    }
    for (const [index, event] of events.entries()) {
      const node = index + 1;
      this.operationAt[node] = event.operation;
      this.returnAt[node] = event.isReturn ? 1 : 0;
      if (event.isReturn) this.returnNodeOf[event.operation] = node;
      else this.callNodeOf[event.operation] = node;
    }
  }

  next(node: number): number {
    return this.nextNode[node] ?? noNode;
  }

  operation(node: number): number {
    return this.operationAt[node] ?? noNode;
  }

  isReturn(node: number): boolean {
    return this.returnAt[node] === 1;
  }

  callNode(operation: number): number {
    return this.callNodeOf[operation] ?? noNode;
  }

  lift(operation: number): void {
    this.unlink(this.callNode(operation));
    const returnNode = this.returnNodeOf[operation] ?? noNode;
    if (returnNode !== noNode) this.unlink(returnNode);
  }

  /** Undoes the latest lift that has not been undone; only valid in that order. */
  unlift(operation: number): void {
    const returnNode = this.returnNodeOf[operation] ?? noNode;
    if (returnNode !== noNode) this.relink(returnNode);
    this.relink(this.callNode(operation));
  }

  private unlink(node: number): void {
    const previous = this.previousNode[node] ?? noNode;
    const next = this.nextNode[node] ?? noNode;
    this.nextNode[previous] = next;
    this.previousNode[next] = previous;
  }

  private relink(node: number): void {
    this.nextNode[this.previousNode[node] ?? noNode] = node;
    this.previousNode[this.nextNode[node] ?? noNode] = node;
  }
}
