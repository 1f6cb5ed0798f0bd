import type { OutputFormat } from './command-line.js';
import type { CliIo } from './cli-io.js';
import { renderTable } from './table.js';

/** A command's answer, ready in both shapes; `-w` picks which one is printed. */
export interface Printable {
  readonly json: unknown;
  readonly table: { readonly headers: readonly string[]; readonly rows: readonly (readonly string[])[] };
}

export const print = (io: CliIo, format: OutputFormat, printable: Printable): void => {
  if (format === 'json') io.stdout(`${JSON.stringify(printable.json, null, 2)}\n`);
  else io.stdout(renderTable(printable.table.headers, printable.table.rows));
};

/** `http://127.0.0.1:7001` as `127.0.0.1:7001`: the scheme costs table width and says little. */
export const shortEndpoint = (origin: string): string => origin.replace(/^http:\/\//, '');
