// Every labelled history under fixtures/histories gets its label from the checker. The labels
// came from an independent checker (see the README there).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.js';
import { parseHistoryJsonl } from './parse-history.js';

const historiesDirectory = new URL('../../fixtures/histories/', import.meta.url);
const historyFiles = readdirSync(historiesDirectory).filter((name) => name.endsWith('.jsonl')).sort();

describe(`labelled histories in ${fileURLToPath(historiesDirectory)}`, () => {
  it('holds both linearizable and illegal histories', () => {
    expect(historyFiles.filter((name) => name.endsWith('-ok.jsonl')).length).toBeGreaterThan(0);
    expect(historyFiles.filter((name) => name.endsWith('-illegal.jsonl')).length).toBeGreaterThan(0);
  });

  it.each(historyFiles)('%s gets its label', (name) => {
    const expected = name.endsWith('-ok.jsonl') ? 'linearizable' : 'illegal';
    const result = checkHistory(parseHistoryJsonl(readFileSync(new URL(name, historiesDirectory), 'utf8')));
    expect(result.verdict, result.verdict === 'illegal' ? result.explanation : JSON.stringify(result)).toBe(expected);
  });
});
