import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles up to the ceiling, with jitter between half and all of it, and restarts on reset', () => {
    const draws = [0, 0.999, 0.5, 0, 0, 0.999];
    let next = 0;
    const backoff = new Backoff({ initialMs: 100, maxMs: 1000, random: () => draws[next++ % draws.length] ?? 0 });
    const delays = Array.from({ length: 6 }, () => backoff.nextDelayMs());
    expect(delays).toStrictEqual([50, 200, 300, 400, 500, 1000]);
    backoff.reset();
    expect(backoff.nextDelayMs()).toBe(50);
  });

  it('stays bounded after very many failures', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 5000, random: () => 0.999 });
    for (let failure = 0; failure < 10_000; failure += 1) {
      expect(backoff.nextDelayMs()).toBeLessThanOrEqual(5000);
    }
  });
});
