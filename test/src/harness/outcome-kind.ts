import { errorCode } from './http-outcome.js';
import type { HttpOutcome } from './http-outcome.js';

/** A short name for grouping outcomes: `refused`, `lost`, `200`, `503 no_leader`, ... */
export const outcomeKind = (outcome: HttpOutcome): string => {
  if (outcome.kind !== 'response') return outcome.kind;
  const code = errorCode(outcome);
  return code === undefined ? String(outcome.status) : `${outcome.status} ${code}`;
};
