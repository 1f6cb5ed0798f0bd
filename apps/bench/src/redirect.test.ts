import { describe, expect, it } from 'vitest';
import { resolveRedirect } from './redirect.js';

describe('resolveRedirect', () => {
  it('follows a full URL to its path', () => {
    expect(resolveRedirect('http://127.0.0.1:7002/v1/kv/a?consistency=stale', '/v1/kv/b')).toEqual({
      endpoint: { host: '127.0.0.1', port: 7002 },
      path: '/v1/kv/a?consistency=stale',
    });
  });

  it('keeps the original path for a bare address or a URL without a path', () => {
    const expected = { endpoint: { host: '127.0.0.1', port: 7003 }, path: '/v1/kv/b' };
    expect(resolveRedirect('127.0.0.1:7003', '/v1/kv/b')).toEqual(expected);
    expect(resolveRedirect('http://127.0.0.1:7003', '/v1/kv/b')).toEqual(expected);
    expect(resolveRedirect('http://127.0.0.1:7003/', '/v1/kv/b')).toEqual(expected);
  });

  it('refuses what it cannot follow', () => {
    expect(resolveRedirect('https://127.0.0.1:7003/v1/kv/a', '/x')).toBeUndefined();
    expect(resolveRedirect('/v1/kv/a', '/x')).toBeUndefined();
    expect(resolveRedirect('', '/x')).toBeUndefined();
  });
});
