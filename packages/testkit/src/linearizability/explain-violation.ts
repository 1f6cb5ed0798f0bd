// Turns a failed search into text that points at the problem: the operation whose return no
// order of the key's operations can get past, and the longest order that came closest.
import { describeOperation } from './describe-operation.js';
import { ABSENT, stepModel, storesValue, type ModelOperation } from './kv-model.js';
import type { KvOperation } from './operation.js';

const shownTailLength = 8;
const shownPendingCount = 8;

export interface ViolationInput {
  readonly key: string;
  readonly operations: readonly KvOperation[];
  /** Index in the checked history of each entry of `operations`. */
  readonly historyIndices: readonly number[];
  readonly model: readonly ModelOperation[];
  /** Index in `operations` of each entry of `model`. */
  readonly sources: readonly number[];
  readonly blockedOperation: number;
  readonly deepestLinearization: readonly number[];
}

export function explainViolation(input: ViolationInput): string {
  const { key, operations, historyIndices, model, sources } = input;
  const original = (compiled: number): KvOperation => {
    const operation = operations[sources[compiled] ?? -1];
    if (operation === undefined) throw new Error(`explainViolation: no source for compiled operation ${compiled}`);
    return operation;
  };
  const label = (compiled: number): string =>
    `history[${historyIndices[sources[compiled] ?? -1] ?? '?'}] ${describeOperation(original(compiled))}`;

  // Replays the order to name the value each step leaves: the model's states are small
  // integers that merge unobserved values, so the value shown is that of the last store.
  let state = ABSENT;
  let holder: KvOperation | undefined;
  const replayed = input.deepestLinearization.map((compiled) => {
    const spec = model[compiled];
    if (spec === undefined) throw new Error(`explainViolation: unknown compiled operation ${compiled}`);
    const next = stepModel(spec, state);
    if (next === -1) throw new Error(`explainViolation: the reported order is not legal at ${label(compiled)}`);
    if (storesValue(spec, state)) holder = next === ABSENT ? undefined : original(compiled);
    state = next;
    return `  ${label(compiled)}  ⇒ ${valueText(holder)}`;
  });

  const blocked = model[input.blockedOperation];
  if (blocked === undefined) throw new Error('explainViolation: no blocked operation');
  const placed = new Set(input.deepestLinearization);
  const pending = model
    .map((spec, compiled) => ({ spec, compiled }))
    .filter(({ spec, compiled }) => compiled !== input.blockedOperation && !placed.has(compiled) && spec.call <= (blocked.ret ?? Infinity))
    .map(({ compiled }) => `  ${label(compiled)}`);

  const lines = [
    `key ${JSON.stringify(key)} is not linearizable: no order of its operations explains the history up to the return of`,
    `  ${label(input.blockedOperation)}`,
    `The longest consistent order found places ${replayed.length} operations${replayed.length > shownTailLength ? `; its last ${shownTailLength}` : ''}:`,
    ...(replayed.length === 0 ? ['  (none)'] : replayed.slice(-shownTailLength)),
    `Operations called by then and left out of that order (${pending.length}):`,
    ...(pending.length === 0 ? ['  (none)'] : pending.slice(0, shownPendingCount)),
  ];
  if (pending.length > shownPendingCount) lines.push(`  … and ${pending.length - shownPendingCount} more`);
  return lines.join('\n');
}

function valueText(holder: KvOperation | undefined): string {
  return holder?.op === 'put' || holder?.op === 'cas' ? JSON.stringify(holder.value) : 'absent';
}
