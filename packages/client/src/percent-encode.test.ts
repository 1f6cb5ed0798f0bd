import { describe, expect, it } from 'vitest';
import { percentEncode } from './percent-encode.js';

describe('percentEncode', () => {
  it('keeps letters, digits, - _ ~ and escapes every other byte', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('aZ09-_~/.+ %?#&='), 0x00, 0xff]);
    expect(percentEncode(bytes)).toBe('aZ09-_~%2F%2E%2B%20%25%3F%23%26%3D%00%FF');
  });

  it('round-trips through decodeURIComponent for text', () => {
    const text = 'greetings/en/ünïcødé {tag} 100%';
    expect(decodeURIComponent(percentEncode(new TextEncoder().encode(text)))).toBe(text);
  });
});
