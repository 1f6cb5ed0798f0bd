/**
 * fast-check parameters for this package's property tests: a fixed seed so that runs are
 * deterministic, overridable with FLOTILLA_SEED to explore or replay. fast-check prints the
 * seed and shrink path of any failure.
 */
export function propertyParams(numRuns: number): { seed: number; numRuns: number } {
  const fromEnv = process.env['FLOTILLA_SEED'];
  const seed = fromEnv === undefined ? 0x5eed_f107 : Number(fromEnv);
  if (!Number.isSafeInteger(seed)) throw new Error(`FLOTILLA_SEED must be an integer, got ${fromEnv}`);
  return { seed, numRuns };
}
