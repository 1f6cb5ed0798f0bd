import { InvalidHistoryError } from './invalid-history-error.js';
import type { KvOperation } from './operation.js';
import { validateOperation } from './validate-operation.js';

/** Parses a history in JSON lines (the format of fixtures/histories): one operation a line; blank lines are skipped. */
export function parseHistoryJsonl(text: string): KvOperation[] {
  const operations: KvOperation[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const where = `line ${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new InvalidHistoryError(`${where}: not valid JSON (${(error as Error).message})`);
    }
    operations.push(validateOperation(parsed, where));
  }
  return operations;
}
