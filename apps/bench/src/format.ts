// Number formats shared by the text reports.

/** Microseconds as milliseconds with 3 decimals, e.g. "12.345". */
export function formatMs(valueUs: number): string {
  return (valueUs / 1000).toFixed(3);
}

/** A rate with thousands separators and no decimals, e.g. "12,345". */
export function formatRate(perS: number): string {
  return Math.round(perS).toLocaleString('en-US');
}
