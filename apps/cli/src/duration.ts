import { UsageError } from './usage-error.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };

/** A duration as etcdctl writes them: `500ms`, `5s`, `1m` (a bare number is seconds). */
export const parseDurationMs = (text: string, flag: string): number => {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m)?$/.exec(text.trim());
  const amount = match?.[1];
  if (amount === undefined) throw new UsageError(`${flag} must be a duration like 500ms, 5s or 1m, got "${text}"`);
  const ms = Math.round(Number(amount) * (UNIT_MS[match?.[2] ?? 's'] ?? 1000));
  if (ms < 1) throw new UsageError(`${flag} must be at least 1ms, got "${text}"`);
  return ms;
};
