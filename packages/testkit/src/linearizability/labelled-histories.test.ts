// Every labelled history in shared/histories must get its label. The vectors live beside the
// repository (CI keeps a copy of shared/ next to the clone); FLOTILLA_HISTORIES overrides.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.js';
import { parseHistoryJsonl } from './parse-history.js';

const repositoryRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const historiesDirectory = process.env['FLOTILLA_HISTORIES'] ?? join(repositoryRoot, '..', 'shared', 'histories');
const historyFiles = readdirSync(historiesDirectory).filter((name) => name.endsWith('.jsonl')).sort();

describe(`shared histories in ${historiesDirectory}`, () => {
  it('holds both linearizable and illegal vectors', () => {
    expect(historyFiles.filter((name) => name.endsWith('-ok.jsonl')).length).toBeGreaterThan(0);
    expect(historyFiles.filter((name) => name.endsWith('-illegal.jsonl')).length).toBeGreaterThan(0);
  });

  it.each(historyFiles)('%s gets its label', (name) => {
    const expected = name.endsWith('-ok.jsonl') ? 'linearizable' : 'illegal';
    const result = checkHistory(parseHistoryJsonl(readFileSync(join(historiesDirectory, name), 'utf8')));
    expect(result.verdict, result.verdict === 'illegal' ? result.explanation : JSON.stringify(result)).toBe(expected);
  });
});
