import { describe, expect, it } from 'vitest';
import { InvalidHistoryError } from './invalid-history-error.js';
import { parseHistoryJsonl } from './parse-history.js';

describe('parseHistoryJsonl', () => {
  it('reads every kind of operation and skips blank lines', () => {
    const text = [
      '{"client":1,"op":"get","key":"k0","call":19,"ret":69,"status":"ok","found":false}',
      '',
      '{"client":0,"op":"cas","key":"k0","call":53,"ret":114,"status":"ok","expect":"nope","value":"w0","swapped":false}',
      '{"client":7,"op":"put","key":"k0","call":31,"ret":null,"status":"unknown","value":"w7"}',
      '{"client":2,"op":"cas","key":"k0","call":60,"ret":null,"status":"unknown","value":"w8"}',
      '{"client":3,"op":"get","key":"k0","call":70,"ret":80,"status":"ok","found":true,"got":"w7"}',
      '{"client":4,"op":"delete","key":"k0","call":90,"ret":95,"status":"ok","deleted":true}',
      '',
    ].join('\n');
    expect(parseHistoryJsonl(text)).toEqual([
      { client: 1, op: 'get', key: 'k0', call: 19, ret: 69, status: 'ok', found: false },
      { client: 0, op: 'cas', key: 'k0', call: 53, ret: 114, status: 'ok', expect: 'nope', value: 'w0', swapped: false },
      { client: 7, op: 'put', key: 'k0', call: 31, ret: null, status: 'unknown', value: 'w7' },
      { client: 2, op: 'cas', key: 'k0', call: 60, ret: null, status: 'unknown', value: 'w8' },
      { client: 3, op: 'get', key: 'k0', call: 70, ret: 80, status: 'ok', found: true, got: 'w7' },
      { client: 4, op: 'delete', key: 'k0', call: 90, ret: 95, status: 'ok', deleted: true },
    ]);
  });

  const base = '"client":1,"key":"k","call":1,"ret":2,"status":"ok"';
  it.each([
    ['not JSON', '{"client":', /line 2: not valid JSON/],
    ['an array', '[1,2]', /line 2: an operation must be an object/],
    ['an unknown op', `{${base},"op":"scan"}`, /line 2: "op" must be one of get, put, cas, delete/],
    ['a misspelt field', `{${base},"op":"put","valeu":"a"}`, /line 2: unexpected field "valeu" for put/],
    ['a put without a value', `{${base},"op":"put"}`, /line 2: "value" must be a string for put/],
    ['a get without found', `{${base},"op":"get"}`, /line 2: "found" must be a boolean/],
    ['a found get without got', `{${base},"op":"get","found":true}`, /line 2: "got" must be a string for get/],
    ['an absent get with got', `{${base},"op":"get","found":false,"got":"a"}`, /line 2: "got" must be absent/],
    ['a cas without swapped', `{${base},"op":"cas","value":"a"}`, /line 2: "swapped" must be a boolean/],
    ['an ok op without ret', '{"client":1,"key":"k","call":1,"ret":null,"status":"ok","op":"put","value":"a"}', /line 2: "ret" must be a finite number/],
    ['an unknown op with ret', '{"client":1,"key":"k","call":1,"ret":5,"status":"unknown","op":"put","value":"a"}', /line 2: "ret" must be null/],
    ['an unknown cas with swapped', '{"client":1,"key":"k","call":1,"ret":null,"status":"unknown","op":"cas","value":"a","swapped":true}', /line 2: "swapped" must be absent/],
    ['a negative client', '{"client":-1,"key":"k","call":1,"ret":2,"status":"ok","op":"put","value":"a"}', /line 2: "client" must be a non-negative integer/],
  ])('refuses %s, naming the line', (_, line, message) => {
    const text = `{${base},"op":"put","value":"ok"}\n${line}`;
    expect(() => parseHistoryJsonl(text)).toThrow(InvalidHistoryError);
    expect(() => parseHistoryJsonl(text)).toThrow(message);
  });
});
