// Property tests. Histories come from a sequential model run at distinct instants, each
// operation's call and return spread around its instant, so they are linearizable by
// construction. fast-check runs from a fixed seed and prints seed and path on any failure.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.js';
import type { KvOperation } from './operation.js';

const seed = 20_251_126;
const instantSpacing = 10;

interface PlannedOperation {
  readonly kind: 'get' | 'put' | 'cas' | 'delete';
  readonly key: number;
  readonly client: number;
  /** For cas: 0 the current value, 1 absent, 2 the previous value written anywhere. */
  readonly expectChoice: number;
  readonly unknown: boolean;
  /** For an unknown write: whether it took effect (at its instant) or never did. */
  readonly applied: boolean;
  readonly lead: number;
  readonly lag: number;
}

const plannedOperation = (keyCount: number): fc.Arbitrary<PlannedOperation> =>
  fc.record({
    kind: fc.constantFrom('get', 'get', 'put', 'cas', 'cas', 'delete'),
    key: fc.nat({ max: keyCount - 1 }),
    client: fc.nat({ max: 7 }),
    expectChoice: fc.nat({ max: 2 }),
    unknown: fc.integer({ min: 0, max: 99 }).map((percentile) => percentile < 15),
    applied: fc.boolean(),
    lead: fc.nat({ max: 5 * instantSpacing }),
    lag: fc.nat({ max: 5 * instantSpacing }),
  });

/** Runs the plan against an atomic map; a final read per key makes sure every history has one. */
function atomicHistory(plan: readonly PlannedOperation[], keyCount: number): KvOperation[] {
  const store = new Map<string, string>();
  let lastWritten: string | undefined;
  const history: KvOperation[] = [];
  const finalReads = Array.from({ length: keyCount }, (_, key): PlannedOperation => ({
    kind: 'get', key, client: 0, expectChoice: 0, unknown: false, applied: true, lead: 0, lag: 0,
  }));
  for (const [index, step] of [...plan, ...finalReads].entries()) {
    const key = `k${step.key}`;
    const instant = (index + 1) * instantSpacing;
    const call = instant - step.lead;
    const current = store.get(key);
    const unknown = step.unknown && step.kind !== 'get';
    const takesEffect = !unknown || step.applied;
    const common = { client: step.client, key, call, ...(unknown ? { ret: null, status: 'unknown' as const } : { ret: instant + step.lag, status: 'ok' as const }) };
    const value = `v${index}`;
    switch (step.kind) {
      case 'get':
        history.push(current === undefined ? { ...common, op: 'get', found: false } : { ...common, op: 'get', found: true, got: current });
        break;
      case 'put':
        history.push({ ...common, op: 'put', value });
        if (takesEffect) store.set(key, value);
        break;
      case 'cas': {
        const expect = [current, undefined, lastWritten][step.expectChoice];
        const swapped = current === expect;
        history.push({ ...common, op: 'cas', value, ...(expect === undefined ? {} : { expect }), ...(unknown ? {} : { swapped }) });
        if (takesEffect && swapped) store.set(key, value);
        break;
      }
      case 'delete':
        history.push({ ...common, op: 'delete', ...(unknown ? {} : { deleted: current !== undefined }) });
        if (takesEffect) store.delete(key);
        break;
    }
    if (step.kind === 'put' || step.kind === 'cas') lastWritten = value;
  }
  return history;
}

const atomicHistories = (maxLength: number) =>
  fc.integer({ min: 1, max: 3 }).chain((keyCount) =>
    fc.array(plannedOperation(keyCount), { maxLength }).map((plan) => atomicHistory(plan, keyCount)),
  );

/** Linearizability by brute force over every order and every subset of unknown writes; small histories only. */
function bruteForceLinearizable(history: readonly KvOperation[]): boolean {
  const keys = new Set(history.map((operation) => operation.key));
  return [...keys].every((key) => {
    const relevant = history.filter((operation) => operation.key === key && !(operation.op === 'get' && operation.status === 'unknown'));
    const search = (remaining: readonly KvOperation[], value: string | undefined): boolean => {
      if (remaining.every((operation) => operation.status === 'unknown')) return true;
      return remaining.some((operation, index) => {
        const others = remaining.filter((_, other) => other !== index);
        if (others.some((other) => other.ret !== null && other.ret < operation.call)) return false;
        if (operation.status === 'unknown' && search(others, value)) return true;
        const after = applyAtomically(operation, value);
        return after !== 'refused' && search(others, after);
      });
    };
    return search(relevant, undefined);
  });
}

function applyAtomically(operation: KvOperation, value: string | undefined): string | undefined | 'refused' {
  const known = operation.status === 'ok';
  switch (operation.op) {
    case 'get':
      return (operation.found === true ? operation.got : undefined) === value ? value : 'refused';
    case 'put':
      return operation.value;
    case 'cas':
      if (value === operation.expect) return !known || operation.swapped === true ? operation.value : 'refused';
      return known && operation.swapped === true ? 'refused' : value;
    case 'delete':
      if (known && operation.deleted !== undefined && operation.deleted !== (value !== undefined)) return 'refused';
      return undefined;
  }
}

/** Changes one observed outcome: a read's value, a cas's swapped flag or a delete's report. */
function mutateOutcome(history: readonly KvOperation[], pick: number, valuePick: number): KvOperation[] {
  const observable = history.flatMap((operation, index) => (operation.status === 'ok' && operation.op !== 'put' ? [index] : []));
  const target = observable[pick % observable.length];
  const values = [undefined, ...history.flatMap((operation) => (operation.op === 'put' || operation.op === 'cas' ? [operation.value] : []))];
  return history.map((operation, index) => {
    if (index !== target) return operation;
    switch (operation.op) {
      case 'get': {
        const got = values[valuePick % values.length];
        const { got: _old, ...rest } = operation;
        return got === undefined ? { ...rest, found: false } : { ...rest, found: true, got };
      }
      case 'cas':
        return { ...operation, swapped: operation.swapped !== true };
      case 'delete':
        return { ...operation, deleted: operation.deleted !== true };
      case 'put':
        return operation;
    }
  });
}

describe('checkHistory properties', () => {
  it('accepts every history of an atomic store', () => {
    fc.assert(
      fc.property(atomicHistories(60), (history) => {
        expect(checkHistory(history).verdict).toBe('linearizable');
      }),
      { seed, numRuns: 300 },
    );
  });

  it('rejects a history once one read returns a value never written, and blames that read', () => {
    fc.assert(
      fc.property(atomicHistories(60), fc.nat(), (history, pick) => {
        const reads = history.flatMap((operation, index) => (operation.op === 'get' && operation.status === 'ok' ? [index] : []));
        const target = reads[pick % reads.length] ?? -1;
        const mutated = history.map((operation, index) =>
          index === target && operation.op === 'get' ? { ...operation, found: true, got: 'never-written' } : operation,
        );
        const result = checkHistory(mutated);
        expect(result.verdict).toBe('illegal');
        if (result.verdict === 'illegal') expect(result.blockedOperation).toBe(mutated[target]);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('agrees with a brute-force search on small histories with one outcome changed', () => {
    fc.assert(
      fc.property(atomicHistories(7), fc.nat(), fc.nat(), (history, pick, valuePick) => {
        const mutated = mutateOutcome(history, pick, valuePick);
        const expected = bruteForceLinearizable(mutated) ? 'linearizable' : 'illegal';
        expect(checkHistory(mutated).verdict).toBe(expected);
      }),
      { seed, numRuns: 2000 },
    );
  });
});
