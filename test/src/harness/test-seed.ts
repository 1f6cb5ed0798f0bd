import type { TestContext } from 'vitest';

const SEED_VARIABLE = 'FLOTILLA_TEST_SEED';

/**
 * The seed of a test's random choices: `fallback` unless FLOTILLA_TEST_SEED says otherwise. A
 * failing test prints it. Process timing is not seeded, so a seed replays the choices, not the run.
 */
export const testSeed = (context: TestContext, fallback: number): number => {
  const text = process.env[SEED_VARIABLE];
  const seed = text === undefined || text === '' ? fallback : Number(text);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`${SEED_VARIABLE} must be a non-negative integer, got "${text}"`);
  context.onTestFailed(() => {
    process.stderr.write(`\n${context.task.name}: seed ${seed} (rerun its choices with ${SEED_VARIABLE}=${seed})\n`);
  });
  return seed;
};
