import { describe, expect, it } from 'vitest';
import { renderTable } from './table.js';

describe('renderTable', () => {
  it('aligns columns two spaces apart with no trailing blanks', () => {
    expect(renderTable(['KEY', 'VERSION'], [['a', '1'], ['longer', '12']])).toBe('KEY     VERSION\na       1\nlonger  12\n');
  });

  it('cuts the widest cells so that every line fits 80 columns', () => {
    const rendered = renderTable(['KEY', 'VALUE', 'MOD_REV'], [['k'.repeat(30), 'v'.repeat(200), '7']]);
    const lines = rendered.trimEnd().split('\n');
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^k{30} {2}v+… {2}7$/);
  });

  it('keeps every header whole even when that runs past the width', () => {
    const headers = Array.from({ length: 12 }, (_, i) => `COLUMN_${i}`);
    expect(renderTable(headers, [headers.map(() => 'x'.repeat(20))], 80).split('\n')[0]).toBe(headers.join('  '));
  });
});
