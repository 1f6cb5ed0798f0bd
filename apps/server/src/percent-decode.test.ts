import { describe, expect, it } from 'vitest';
import { HttpError } from './http-error.js';
import { percentDecode } from './percent-decode.js';

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

describe('percentDecode', () => {
  it('decodes escapes of either case to bytes, leaving other characters as UTF-8', () => {
    expect(text(percentDecode('a%2Fb%2fc', false))).toBe('a/b/c');
    expect(percentDecode('%ff%00é', false)).toEqual(new Uint8Array([0xff, 0x00, 0xc3, 0xa9]));
    expect(percentDecode('', false)).toEqual(new Uint8Array(0));
  });

  it('reads + as a space only in query strings', () => {
    expect(text(percentDecode('a+b%2B', true))).toBe('a b+');
    expect(text(percentDecode('a+b', false))).toBe('a+b');
  });

  it.each([['%'], ['abc%'], ['%4'], ['%g0'], ['%0g']])('rejects the malformed escape in %j', (input) => {
    expect(() => percentDecode(input, false)).toThrow(HttpError);
  });
});
