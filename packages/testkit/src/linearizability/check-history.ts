// Checks a key-value history for linearizability. Keys are independent objects, and a history
// is linearizable exactly when each key's sub-history is, so each key is searched on its own.
import { explainViolation } from './explain-violation.js';
import { InvalidHistoryError } from './invalid-history-error.js';
import { compileKeyOperations } from './kv-model.js';
import type { KvOperation } from './operation.js';
import { searchKey } from './search-key.js';
import { validateOperation } from './validate-operation.js';

/** About half a second of search on one core; the largest labelled history (fixtures/histories) needs under five thousand steps a key. */
export const defaultMaxStepsPerKey = 5_000_000;
export const defaultMaxCacheBytesPerKey = 256 * 1024 * 1024;

export interface CheckOptions {
  /** Work allowed on one key before the checker gives up and answers `unknown`. */
  readonly maxStepsPerKey?: number;
  /** Memory for remembered search configurations on one key before the checker answers `unknown`. */
  readonly maxCacheBytesPerKey?: number;
}

export type CheckResult =
  | { readonly verdict: 'linearizable' }
  | {
      readonly verdict: 'illegal';
      readonly key: string;
      readonly explanation: string;
      /** The operation (from the input) whose return no legal order of the key's operations gets past. */
      readonly blockedOperation: KvOperation;
      /** The longest legal order found before that return. */
      readonly deepestLinearization: readonly KvOperation[];
    }
  | { readonly verdict: 'unknown'; readonly key: string; readonly reason: string };

interface KeyHistory {
  readonly operations: KvOperation[];
  readonly historyIndices: number[];
}

export function checkHistory(operations: readonly KvOperation[], options: CheckOptions = {}): CheckResult {
  const limits = {
    maxSteps: positiveInteger('maxStepsPerKey', options.maxStepsPerKey ?? defaultMaxStepsPerKey),
    maxCacheBytes: positiveInteger('maxCacheBytesPerKey', options.maxCacheBytesPerKey ?? defaultMaxCacheBytesPerKey),
  };

  const byKey = new Map<string, KeyHistory>();
  for (const [index, input] of operations.entries()) {
    const operation = validateOperation(input, `history[${index}]`);
    let history = byKey.get(operation.key);
    if (history === undefined) {
      history = { operations: [], historyIndices: [] };
      byKey.set(operation.key, history);
    }
    history.operations.push(operation);
    history.historyIndices.push(index);
  }

  // A key the budget defeats still lets the others be checked: an illegal key is a definite answer.
  let undecided: CheckResult | undefined;
  for (const key of [...byKey.keys()].sort()) {
    const history = byKey.get(key);
    if (history === undefined) continue;
    const { model, sources } = compileKeyOperations(history.operations);
    const result = searchKey(model, limits);
    if (result.outcome === 'budget-exhausted') {
      const spent = result.exhausted === 'steps' ? `${result.steps} steps` : `${limits.maxCacheBytes} cache bytes`;
      undecided ??= {
        verdict: 'unknown',
        key,
        reason: `budget exhausted: key ${JSON.stringify(key)} (${history.operations.length} operations) was not decided within ${spent}`,
      };
    } else if (result.outcome === 'illegal') {
      // The caller's own objects, so that it can find them in its history by identity.
      const original = (compiled: number): KvOperation => {
        const operation = operations[history.historyIndices[sources[compiled] ?? -1] ?? -1];
        if (operation === undefined) throw new Error(`checkHistory: compiled operation ${compiled} has no source`);
        return operation;
      };
      return {
        verdict: 'illegal',
        key,
        explanation: explainViolation({ key, ...history, model, sources, ...result }),
        blockedOperation: original(result.blockedOperation),
        deepestLinearization: result.deepestLinearization.map(original),
      };
    }
  }
  return undecided ?? { verdict: 'linearizable' };
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new InvalidHistoryError(`${name} must be a positive integer (got ${value})`);
  return value;
}
