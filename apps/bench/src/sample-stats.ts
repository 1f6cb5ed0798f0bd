// The statistics compare reports over its rounds. Medians, not means: one round caught in a
// slow disk phase moves a mean by a third of its excess but leaves a median of three alone.

/** The middle value; for an even count, the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  if (values.some((value) => Number.isNaN(value))) throw new RangeError('median of a NaN');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** How many values it summarizes. */
  readonly count: number;
}

/** Median and range of the values; undefined when there are none. */
export function spreadOf(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), count: values.length };
}

/**
 * value[i] / baseline[i] for every i where both were measured and the baseline is not 0:
 * each ratio sets two numbers from the same round side by side, never across rounds.
 */
export function pairedRatios(values: readonly (number | undefined)[], baselines: readonly (number | undefined)[]): number[] {
  if (values.length !== baselines.length) throw new RangeError(`pairedRatios: ${values.length} values but ${baselines.length} baselines`);
  const ratios: number[] = [];
  values.forEach((value, index) => {
    const baseline = baselines[index];
    if (value !== undefined && baseline !== undefined && baseline !== 0) ratios.push(value / baseline);
  });
  return ratios;
}
