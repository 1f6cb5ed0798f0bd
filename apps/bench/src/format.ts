// Number formats shared by the text reports.

/** Microseconds as milliseconds with 3 decimals, e.g. "12.345". */
export function formatMs(valueUs: number): string {
  return (valueUs / 1000).toFixed(3);
}

/** A rate with thousands separators and no decimals, e.g. "12,345". */
export function formatRate(perS: number): string {
  return Math.round(perS).toLocaleString('en-US');
}

/** Seconds as whole minutes and seconds, e.g. "7 min 05 s" or "42 s". */
export function formatDurationS(seconds: number): string {
  const total = Math.round(seconds);
  const minutes = Math.floor(total / 60);
  const rest = total % 60;
  return minutes === 0 ? `${rest} s` : `${minutes} min ${String(rest).padStart(2, '0')} s`;
}
