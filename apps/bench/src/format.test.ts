import { describe, expect, it } from 'vitest';
import { formatDurationS, formatMs, formatRate } from './format.js';

describe('formats', () => {
  it('writes durations as minutes and seconds', () => {
    expect(formatDurationS(42.4)).toBe('42 s');
    expect(formatDurationS(425)).toBe('7 min 05 s');
    expect(formatDurationS(59.6)).toBe('1 min 00 s');
  });

  it('writes rates and milliseconds', () => {
    expect(formatRate(12345.6)).toBe('12,346');
    expect(formatMs(1234)).toBe('1.234');
  });
});
