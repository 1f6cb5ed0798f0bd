// The order systems run in within one round: rotated each round, so that no system always
// runs first (on a disk still busy with whatever ran before compare) or last.

/** Round r (from 0) starts with item r mod k and keeps the items' cyclic order. */
export function rotatedOrder<T>(items: readonly T[], round: number): T[] {
  if (!Number.isSafeInteger(round) || round < 0) throw new RangeError(`round must be an integer >= 0, got ${round}`);
  if (items.length === 0) return [];
  const start = round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}
