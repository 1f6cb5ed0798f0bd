import { describe, expect, it } from 'vitest';
import { checkHistory } from '../linearizability/index.js';
import { HistoryRecorder } from './history-recorder.js';

describe('HistoryRecorder', () => {
  it('records calls and returns on one clock, abandoned writes as unknown, abandoned reads not at all', () => {
    const history = new HistoryRecorder();
    const put = history.invoke(1, { op: 'put', key: 'k', value: 'v' });
    const get = history.invoke(2, { op: 'get', key: 'k' });
    history.invoke(3, { op: 'cas', key: 'k', expect: null, value: 'w' });
    history.complete(put, {});
    history.complete(get, { value: 'v' });
    const lost = history.invoke(1, { op: 'get', key: 'k' });
    history.abandon(lost);
    const refused = history.invoke(2, { op: 'delete', key: 'k' });
    history.forget(refused);
    const operations = history.operations();
    expect(operations).toEqual([
      { client: 1, key: 'k', call: 1, ret: 4, status: 'ok', op: 'put', value: 'v' },
      { client: 2, key: 'k', call: 2, ret: 5, status: 'ok', op: 'get', found: true, got: 'v' },
      { client: 3, key: 'k', call: 3, ret: null, status: 'unknown', op: 'cas', value: 'w' },
    ]);
    expect(checkHistory(operations).verdict).toBe('linearizable');
  });

  it('produces histories the checker can refute', () => {
    const history = new HistoryRecorder();
    const put = history.invoke(1, { op: 'put', key: 'k', value: 'v' });
    history.complete(put, {});
    const get = history.invoke(2, { op: 'get', key: 'k' });
    history.complete(get, { value: null });
    expect(checkHistory(history.operations()).verdict).toBe('illegal');
  });
});
