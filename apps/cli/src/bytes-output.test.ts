import { describe, expect, it } from 'vitest';
import { bytesField, displayBytes } from './bytes-output.js';

describe('bytes in output', () => {
  it('shows text with control characters escaped, and other bytes as hex', () => {
    expect(displayBytes(new TextEncoder().encode('a\tb\nc\u0001é'))).toBe('a\\tb\\nc\\x01é');
    expect(displayBytes(new Uint8Array([0xff, 0x00]))).toBe('0xff00');
  });

  it('writes JSON fields by the server rule: text, else base64 under name_base64', () => {
    expect(bytesField('value', new TextEncoder().encode('hi'))).toEqual({ value: 'hi' });
    expect(bytesField('value', new Uint8Array([0xff]))).toEqual({ value_base64: '/w==' });
  });
});
