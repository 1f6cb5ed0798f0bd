import { describe, expect, it } from 'vitest';
import { hashTagBytes } from './hash-tag.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

describe('hashTagBytes', () => {
  it.each([
    ['locks/{build}/a', 'build'],
    ['{user1000}.following', 'user1000'],
    ['foo{}{bar}', 'foo{}{bar}'],
    ['foo{{bar}}zap', '{bar'],
    ['foo{bar}{zap}', 'bar'],
    ['no-braces', 'no-braces'],
    ['open{only', 'open{only'],
    ['close}{', 'close}{'],
    ['}{x}', 'x'],
  ])('hashes %s by %s', (key, tag) => {
    expect(text(hashTagBytes(utf8(key)))).toBe(tag);
  });
});
