// The sequential specification of one key, compiled for the search: a state is a small
// integer, and every operation is reduced to a guard plus the state it leaves behind.
import type { KvOperation } from './operation.js';

export const ABSENT = 0;
// Every present value that no get returns and no cas expects: the model cannot tell them apart,
// so they share one state and the search cache merges what would otherwise be distinct.
const UNOBSERVED = 1;
const firstObservedState = 2;

/** What an operation requires of the state and what it leaves; see stepModel. */
export const Effect = {
  /** Requires state = expect; leaves it. */
  READ: 0,
  /** Leaves `value` whatever the state. */
  WRITE: 1,
  /** Requires state = expect; leaves `value` (a cas that swapped). */
  WRITE_IF: 2,
  /** Requires state ≠ expect; leaves it (a cas that did not swap). */
  KEEP_UNLESS: 3,
  /** Leaves `value` if state = expect, else the state (a cas whose outcome is unknown). */
  WRITE_IF_ELSE_KEEP: 4,
  /** Requires a present key; leaves it absent (a delete that reported a deletion). */
  DELETE_PRESENT: 5,
} as const;
export type Effect = (typeof Effect)[keyof typeof Effect];

export interface ModelOperation {
  readonly effect: Effect;
  readonly expect: number;
  readonly value: number;
  readonly call: number;
  /** `null`: the outcome is unknown, so the operation may take effect at any time after its call, or never. */
  readonly ret: number | null;
}

/** The state after `operation` runs in `state`, or -1 if it cannot run there. */
export function stepModel(operation: ModelOperation, state: number): number {
  switch (operation.effect) {
    case Effect.READ:
      return state === operation.expect ? state : -1;
    case Effect.WRITE:
      return operation.value;
    case Effect.WRITE_IF:
      return state === operation.expect ? operation.value : -1;
    case Effect.KEEP_UNLESS:
      return state === operation.expect ? -1 : state;
    case Effect.WRITE_IF_ELSE_KEEP:
      return state === operation.expect ? operation.value : state;
    case Effect.DELETE_PRESENT:
      return state === ABSENT ? -1 : ABSENT;
  }
}

/** Whether running `operation` in `state` stores its `value` (rather than keeping the state). */
export function storesValue(operation: ModelOperation, state: number): boolean {
  switch (operation.effect) {
    case Effect.READ:
    case Effect.KEEP_UNLESS:
      return false;
    case Effect.WRITE_IF_ELSE_KEEP:
      return state === operation.expect;
    case Effect.WRITE:
    case Effect.WRITE_IF:
    case Effect.DELETE_PRESENT:
      return true;
  }
}

/**
 * Compiles the operations of one key. Gets with an unknown outcome say nothing and are left
 * out; `sources[i]` is the index in `operations` of compiled operation i.
 */
export function compileKeyOperations(operations: readonly KvOperation[]): { model: ModelOperation[]; sources: number[] } {
  const observed = new Map<string, number>();
  const observe = (value: string | undefined): void => {
    if (value !== undefined && !observed.has(value)) observed.set(value, firstObservedState + observed.size);
  };
  for (const operation of operations) {
    if (operation.op === 'get') observe(operation.got);
    if (operation.op === 'cas') observe(operation.expect);
  }
  const stateOf = (value: string | undefined): number =>
    value === undefined ? ABSENT : (observed.get(value) ?? UNOBSERVED);

  const model: ModelOperation[] = [];
  const sources: number[] = [];
  for (const [index, operation] of operations.entries()) {
    const timing = { call: operation.call, ret: operation.status === 'ok' ? operation.ret : null };
    const add = (effect: Effect, expect: number, value: number): void => {
      model.push({ effect, expect, value, ...timing });
      sources.push(index);
    };
    switch (operation.op) {
      case 'get':
        if (operation.status === 'ok') add(Effect.READ, operation.found === true ? stateOf(operation.got) : ABSENT, ABSENT);
        break;
      case 'put':
        add(Effect.WRITE, ABSENT, stateOf(operation.value));
        break;
      case 'cas': {
        const effect =
          operation.swapped === undefined ? Effect.WRITE_IF_ELSE_KEEP : operation.swapped ? Effect.WRITE_IF : Effect.KEEP_UNLESS;
        add(effect, stateOf(operation.expect), stateOf(operation.value));
        break;
      }
      case 'delete':
        if (operation.deleted === true) add(Effect.DELETE_PRESENT, ABSENT, ABSENT);
        else if (operation.deleted === false) add(Effect.READ, ABSENT, ABSENT);
        else add(Effect.WRITE, ABSENT, ABSENT);
        break;
    }
  }
  return { model, sources };
}
