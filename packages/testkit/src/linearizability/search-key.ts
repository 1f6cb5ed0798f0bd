// Wing & Gong's search with Lowe's memoization, as Porcupine runs it, over the events of one
// key. Walking the event list, a call offers its operation as the next linearization point; a
// return whose operation is still unlinearized means the choices so far cannot be completed,
// so the search backtracks. Operations with an unknown outcome have no return: they may be
// linearized anywhere after their call, and leaving them out is the same as never.
import { EventList } from './event-list.js';
import { ABSENT, stepModel, type ModelOperation } from './kv-model.js';
import { LinearizationCache } from './linearization-cache.js';
import { mix32 } from './mix32.js';

export type KeySearchResult =
  | { readonly outcome: 'linearizable'; readonly steps: number }
  | {
      readonly outcome: 'illegal';
      readonly steps: number;
      /** The operation whose return no order got past: the shortest failing prefix ends there. */
      readonly blockedOperation: number;
      /** A longest order found before that return, as operation indices. */
      readonly deepestLinearization: readonly number[];
    }
  | { readonly outcome: 'budget-exhausted'; readonly steps: number; readonly exhausted: 'steps' | 'cache bytes' };

/** Bounds on the work and memory of one search; they never change an answer, only whether one comes. */
export interface SearchLimits {
  /** A step is one event visited. */
  readonly maxSteps: number;
  /** Memory held by the configurations remembered. */
  readonly maxCacheBytes: number;
}

// The stack of placed operations is an immutable linked list, so remembering the deepest
// order found costs one reference rather than a copy.
interface Frame {
  readonly operation: number;
  readonly stateBefore: number;
  readonly below: Frame | undefined;
}

function operationsOf(top: Frame | undefined): number[] {
  const operations: number[] = [];
  for (let frame = top; frame !== undefined; frame = frame.below) operations.push(frame.operation);
  return operations.reverse();
}

export function searchKey(model: readonly ModelOperation[], limits: SearchLimits): KeySearchResult {
  const events = new EventList(model);
  const wordsPerSet = Math.max(1, Math.ceil(model.length / 32));
  const cache = new LinearizationCache(wordsPerSet);
  const linearized = new Uint32Array(wordsPerSet);
  const operationHashes = model.map((_, operation) => mix32(operation + 1));
  const required = model.map((operation) => operation.ret !== null);
  let top: Frame | undefined;
  let requiredLeft = required.filter(Boolean).length;
  let state = ABSENT;
  let setHash = 0;
  let deepestNode = EventList.head;
  let deepestTop: Frame | undefined;
  let blockedOperation = -1;

  const toggle = (operation: number): void => {
    const word = operation >>> 5;
    linearized[word] = (linearized[word] ?? 0) ^ (1 << (operation & 31));
    setHash ^= operationHashes[operation] ?? 0;
  };

  let node = events.next(EventList.head);
  let steps = 0;
  while (requiredLeft > 0) {
    if (steps === limits.maxSteps) return { outcome: 'budget-exhausted', steps, exhausted: 'steps' };
    steps++;
    if (node === events.tail) throw new Error('linearizability search: ran past the last event with operations left');
    const operation = events.operation(node);
    const spec = model[operation];
    if (spec === undefined) throw new Error(`linearizability search: event ${node} names no operation`);

    if (!events.isReturn(node)) {
      const next = stepModel(spec, state);
      // An optional operation that changes nothing is never worth placing: leaving it out
      // keeps every choice that placing it would.
      const useful = next !== -1 && (required[operation] === true || next !== state);
      if (useful) {
        if (cache.bytes >= limits.maxCacheBytes) return { outcome: 'budget-exhausted', steps, exhausted: 'cache bytes' };
        toggle(operation);
        if (cache.add(linearized, setHash, next)) {
          top = { operation, stateBefore: state, below: top };
          state = next;
          events.lift(operation);
          if (required[operation] === true) requiredLeft--;
          node = events.next(EventList.head);
          continue;
        }
        toggle(operation);
      }
      node = events.next(node);
      continue;
    }

    // Nodes are numbered in time order, so a larger node is a longer prefix of the history.
    if (node > deepestNode) {
      deepestNode = node;
      blockedOperation = operation;
      deepestTop = top;
    }
    const frame = top;
    if (frame === undefined) return { outcome: 'illegal', steps, blockedOperation, deepestLinearization: operationsOf(deepestTop) };
    top = frame.below;
    state = frame.stateBefore;
    toggle(frame.operation);
    events.unlift(frame.operation);
    if (required[frame.operation] === true) requiredLeft++;
    node = events.next(events.callNode(frame.operation));
  }
  return { outcome: 'linearizable', steps };
}
