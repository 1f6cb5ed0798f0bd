import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.js';
import { InvalidHistoryError } from './invalid-history-error.js';
import type { KvOperation } from './operation.js';

// Builders for one-key histories; `ret: null` means the outcome is unknown.
const timing = (call: number, ret: number | null) =>
  ret === null ? { call, ret, status: 'unknown' as const } : { call, ret, status: 'ok' as const };
const put = (value: string, call: number, ret: number | null, key = 'k'): KvOperation => ({ client: 0, op: 'put', key, value, ...timing(call, ret) });
const read = (got: string | undefined, call: number, ret: number, key = 'k'): KvOperation =>
  got === undefined
    ? { client: 1, op: 'get', key, found: false, ...timing(call, ret) }
    : { client: 1, op: 'get', key, found: true, got, ...timing(call, ret) };
const cas = (expect: string | undefined, value: string, swapped: boolean | null, call: number, ret: number | null): KvOperation => ({
  client: 2,
  op: 'cas',
  key: 'k',
  value,
  ...(expect === undefined ? {} : { expect }),
  ...(swapped === null ? {} : { swapped }),
  ...timing(call, ret),
});
const remove = (deleted: boolean | null, call: number, ret: number | null): KvOperation => ({
  client: 3,
  op: 'delete',
  key: 'k',
  ...(deleted === null ? {} : { deleted }),
  ...timing(call, ret),
});
const verdictOf = (history: readonly KvOperation[]): string => checkHistory(history).verdict;

describe('checkHistory: reads and writes', () => {
  it('accepts the empty history', () => {
    expect(verdictOf([])).toBe('linearizable');
  });

  it('rejects a stale read after a write completed, and points at the read', () => {
    const staleRead = read('a', 40, 50);
    const result = checkHistory([put('a', 0, 10), put('b', 20, 30), staleRead]);
    expect(result.verdict).toBe('illegal');
    if (result.verdict !== 'illegal') return;
    expect(result.key).toBe('k');
    expect(result.blockedOperation).toEqual(staleRead);
    expect(result.deepestLinearization).toEqual([put('a', 0, 10), put('b', 20, 30)]);
    expect(result.explanation).toContain('key "k"');
    expect(result.explanation).toContain('history[2] client 1 get → "a", called at 40, returned at 50');
  });

  it('lets a read overlapping a write see the old or the new value', () => {
    expect(verdictOf([put('a', 0, 10), put('b', 20, 40), read('a', 25, 30)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), put('b', 20, 40), read('b', 25, 30)])).toBe('linearizable');
  });

  it('orders concurrent writes either way, but only one way for everyone', () => {
    const writes = [put('a', 0, 10), put('b', 0, 10)];
    expect(verdictOf([...writes, read('a', 20, 30), read('a', 40, 50)])).toBe('linearizable');
    expect(verdictOf([...writes, read('b', 20, 30), read('b', 40, 50)])).toBe('linearizable');
    expect(verdictOf([...writes, read('b', 20, 30), read('a', 40, 50)])).toBe('illegal');
  });

  it('sees a key absent until a write, and never after one completed', () => {
    expect(verdictOf([read(undefined, 0, 10), put('a', 20, 30), read('a', 40, 50)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), read(undefined, 20, 30)])).toBe('illegal');
  });

  it('counts operations that touch at one instant as concurrent', () => {
    expect(verdictOf([put('a', 0, 10), read(undefined, 10, 20)])).toBe('linearizable');
  });

  it('rejects a read of a value nobody wrote', () => {
    expect(verdictOf([put('a', 0, 10), read('z', 0, 10)])).toBe('illegal');
  });
});

describe('checkHistory: compare-and-swap', () => {
  it('swaps only when the key holds the expected value', () => {
    expect(verdictOf([put('a', 0, 10), cas('a', 'b', true, 20, 30), read('b', 40, 50)])).toBe('linearizable');
    expect(verdictOf([put('c', 0, 10), cas('a', 'b', true, 20, 30)])).toBe('illegal');
  });

  it('fails only when the key holds something else', () => {
    expect(verdictOf([put('c', 0, 10), cas('a', 'b', false, 20, 30), read('c', 40, 50)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), cas('a', 'b', false, 20, 30)])).toBe('illegal');
  });

  it('treats an absent expectation as "the key must be absent"', () => {
    expect(verdictOf([cas(undefined, 'a', true, 0, 10), read('a', 20, 30)])).toBe('linearizable');
    expect(verdictOf([cas(undefined, 'a', false, 0, 10)])).toBe('illegal');
    expect(verdictOf([put('x', 0, 10), cas(undefined, 'a', false, 20, 30), read('x', 40, 50)])).toBe('linearizable');
    expect(verdictOf([put('x', 0, 10), cas(undefined, 'a', true, 20, 30)])).toBe('illegal');
  });

  it('lets a failed cas run before a concurrent write makes it succeed', () => {
    expect(verdictOf([put('a', 0, 30), cas('a', 'b', false, 10, 20), read('a', 40, 50)])).toBe('linearizable');
  });
});

describe('checkHistory: unknown outcomes', () => {
  it('lets an unknown write take effect long after its call', () => {
    const history = [put('a', 0, 10), put('b', 5, null), read('a', 20, 30), read('b', 40, 50), read('b', 60, 70)];
    expect(verdictOf(history)).toBe('linearizable');
  });

  it('lets an unknown write never take effect', () => {
    expect(verdictOf([put('a', 0, 10), put('b', 5, null), read('a', 20, 30), read('a', 40, 50)])).toBe('linearizable');
  });

  it('takes an unknown write effect at most once, and never before its call', () => {
    expect(verdictOf([put('a', 0, 10), put('b', 5, null), read('b', 20, 30), put('c', 40, 50), read('b', 60, 70)])).toBe('illegal');
    expect(verdictOf([put('a', 0, 10), put('b', 5, null), read('b', 20, 30), read('a', 40, 50)])).toBe('illegal');
    expect(verdictOf([read('b', 0, 10), put('b', 20, null)])).toBe('illegal');
  });

  it('lets an unknown cas swap or not, but only from its expected value', () => {
    expect(verdictOf([put('a', 0, 10), cas('a', 'b', null, 20, null), read('b', 30, 40)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), cas('a', 'b', null, 20, null), read('a', 30, 40)])).toBe('linearizable');
    expect(verdictOf([put('c', 0, 10), cas('a', 'b', null, 20, null), read('b', 30, 40)])).toBe('illegal');
  });

  it('lets an unknown write explain a failed cas', () => {
    // Without the unknown write the key holds "a" and the cas must swap.
    expect(verdictOf([put('a', 0, 10), put('x', 15, null), cas('a', 'b', false, 20, 30)])).toBe('linearizable');
  });

  it('ignores reads whose outcome is unknown', () => {
    const lostRead: KvOperation = { client: 4, op: 'get', key: 'k', call: 0, ret: null, status: 'unknown' };
    expect(verdictOf([lostRead, put('a', 10, 20), read('a', 30, 40)])).toBe('linearizable');
  });
});

describe('checkHistory: delete', () => {
  it('removes the key', () => {
    expect(verdictOf([put('a', 0, 10), remove(true, 20, 30), read(undefined, 40, 50)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), remove(null, 20, 30), read('a', 40, 50)])).toBe('illegal');
  });

  it('reports truthfully whether the key was present', () => {
    expect(verdictOf([remove(false, 0, 10)])).toBe('linearizable');
    expect(verdictOf([remove(true, 0, 10)])).toBe('illegal');
    expect(verdictOf([put('a', 0, 10), remove(false, 20, 30)])).toBe('illegal');
  });

  it('may or may not take effect when its outcome is unknown', () => {
    expect(verdictOf([put('a', 0, 10), remove(null, 20, null), read(undefined, 30, 40)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), remove(null, 20, null), read('a', 30, 40)])).toBe('linearizable');
    expect(verdictOf([put('a', 0, 10), remove(null, 20, null), read(undefined, 30, 40), read('a', 50, 60)])).toBe('illegal');
  });

  it('makes a later absent-expecting cas succeed', () => {
    expect(verdictOf([put('a', 0, 10), remove(true, 20, 30), cas(undefined, 'b', true, 40, 50), read('b', 60, 70)])).toBe('linearizable');
  });
});

describe('checkHistory: keys, budget, bad input', () => {
  it('checks keys independently and names the failing one', () => {
    const history = [put('a', 0, 10, 'x'), read('a', 20, 30, 'x'), put('a', 0, 10, 'y'), read(undefined, 20, 30, 'y')];
    const result = checkHistory(history);
    expect(result.verdict === 'illegal' && result.key).toBe('y');
  });

  it('answers unknown, never linearizable, when the budget runs out', () => {
    const result = checkHistory([put('a', 0, 10), read('a', 20, 30)], { maxStepsPerKey: 1 });
    expect(result.verdict).toBe('unknown');
    expect(result.verdict === 'unknown' && result.reason).toMatch(/budget exhausted.*"k"/);
  });

  it('answers unknown when the remembered configurations outgrow their memory budget', () => {
    const result = checkHistory([put('a', 0, 10), put('b', 0, 10), read('b', 20, 30)], { maxCacheBytesPerKey: 1 });
    expect(result.verdict === 'unknown' && result.reason).toMatch(/budget exhausted.*within 1 cache bytes/);
  });

  it('still reports an illegal key when another key exhausts the budget', () => {
    const history = [put('a', 0, 10, 'a-key'), put('b', 0, 10, 'a-key'), read('b', 20, 30, 'a-key'), read('z', 0, 10, 'b-key')];
    const result = checkHistory(history, { maxStepsPerKey: 2 });
    expect(result.verdict === 'illegal' && result.key).toBe('b-key');
  });

  it('refuses malformed operations and budgets with a clear error', () => {
    expect(() => checkHistory([read('a', 30, 20)])).toThrow(new InvalidHistoryError('history[0]: "ret" (20) is before "call" (30)'));
    expect(() => checkHistory([{ ...put('a', 0, 10), ret: null }])).toThrow(InvalidHistoryError);
    expect(() => checkHistory([], { maxStepsPerKey: 0 })).toThrow(/maxStepsPerKey must be a positive integer/);
    expect(() => checkHistory([], { maxCacheBytesPerKey: 1.5 })).toThrow(/maxCacheBytesPerKey must be a positive integer/);
  });
});
