import { describe, expect, it } from 'vitest';
import { parseSimArgs, UsageError } from './sim-args.js';

describe('parseSimArgs', () => {
  it('reads seed ranges, a single seed with a trace, steps and workers', () => {
    expect(parseSimArgs(['--seeds', '3', '--start', '10'], 2)).toMatchObject({ seeds: [10, 11, 12], workers: 2, trace: false });
    expect(parseSimArgs(['--seed', '7', '--trace', '--steps', '50'], 2)).toMatchObject({ seeds: [7], safetySteps: 50, trace: true });
    expect(parseSimArgs(['--seeds', '2', '--workers', '1'], 2).workers).toBe(1);
    expect(parseSimArgs(['--seeds', '2'], 2).target).toBe('host');
    expect(parseSimArgs(['--core', '--seed', '4'], 2)).toMatchObject({ target: 'core', seeds: [4] });
  });

  it('refuses bad input with a message that names the problem', () => {
    expect(() => parseSimArgs(['--seeds', 'x'], 2)).toThrow(UsageError);
    expect(() => parseSimArgs(['--seeds', '0'], 2)).toThrow(/positive integer/);
    expect(() => parseSimArgs(['--trace'], 2)).toThrow(/--seed S/);
    expect(() => parseSimArgs(['--seed', '1', '--seeds', '2'], 2)).toThrow(/exclude/);
    expect(() => parseSimArgs(['--bogus'], 2)).toThrow(/unknown argument/);
  });
});
