import { describe, expect, it } from 'vitest';
import { defaultTransportLimits, resolveLimits } from './limits.js';

describe('resolveLimits', () => {
  it('fills in defaults around the overrides', () => {
    expect(resolveLimits({ maxInflightCalls: 3 })).toStrictEqual({ ...defaultTransportLimits, maxInflightCalls: 3 });
  });

  it('refuses limits that are not positive integers, a frame limit beyond u32 and an inverted backoff', () => {
    expect(() => resolveLimits({ maxQueuedMessages: 0 })).toThrow(/maxQueuedMessages/);
    expect(() => resolveLimits({ connectTimeoutMs: 1.5 })).toThrow(/connectTimeoutMs/);
    expect(() => resolveLimits({ maxFrameBytes: 2 ** 32 })).toThrow(/u32/);
    expect(() => resolveLimits({ reconnectBackoffInitialMs: 100, reconnectBackoffMaxMs: 10 })).toThrow(/reconnectBackoffMaxMs/);
  });
});
