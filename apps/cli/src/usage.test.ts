import { describe, expect, it } from 'vitest';
import { USAGE } from './usage.js';

describe('the usage text', () => {
  it('fits 80 columns', () => {
    for (const line of USAGE.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });
});
