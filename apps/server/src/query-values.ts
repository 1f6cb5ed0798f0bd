import type { ReadConsistency } from '@flotilla/multiraft';
import { badRequest } from './http-error.js';
import type { QueryString } from './query-string.js';

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** A decimal integer query parameter within [min, max]; `undefined` when absent. */
export const integerParam = (
  query: QueryString,
  name: string,
  min: number,
  max: number,
): number | undefined => {
  const text = query.text(name);
  if (text === undefined) return undefined;
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw badRequest('bad_query', `${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return value;
};

/** `if_revision=N`: compare-and-swap on the key's mod revision, 0 meaning "only if absent". */
export const ifRevisionParam = (query: QueryString): number | undefined =>
  integerParam(query, 'if_revision', 0, Number.MAX_SAFE_INTEGER);

export const booleanParam = (query: QueryString, name: string, fallback: boolean): boolean => {
  const text = query.text(name);
  if (text === undefined) return fallback;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw badRequest('bad_query', `${name} must be "true" or "false", got "${text}"`);
};

/** An hour: a staleness bound beyond it is a mistake, not a wish. */
const MAX_STALENESS_MS = 3_600_000;

/** `consistency=linearizable` (default) | `bounded&max_staleness_ms=N` | `stale`. */
export const consistencyParam = (query: QueryString): ReadConsistency => {
  const kind = query.text('consistency') ?? 'linearizable';
  const maxStalenessMs = integerParam(query, 'max_staleness_ms', 1, MAX_STALENESS_MS);
  if (kind === 'bounded') {
    if (maxStalenessMs === undefined) {
      throw badRequest('bad_query', 'consistency=bounded needs max_staleness_ms');
    }
    return { kind, maxStalenessMs };
  }
  if (maxStalenessMs !== undefined) {
    throw badRequest('bad_query', 'max_staleness_ms is only meaningful with consistency=bounded');
  }
  if (kind === 'linearizable' || kind === 'stale') return { kind };
  throw badRequest('bad_query', `consistency must be linearizable, bounded or stale, got "${kind}"`);
};
