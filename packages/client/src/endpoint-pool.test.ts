import { describe, expect, it } from 'vitest';
import { EndpointPool, parseEndpoint } from './endpoint-pool.js';
import { InvalidRequestError } from './errors.js';

describe('parseEndpoint', () => {
  it('takes host:port or an http(s) origin', () => {
    expect(parseEndpoint('127.0.0.1:7001')).toBe('http://127.0.0.1:7001');
    expect(parseEndpoint(' http://127.0.0.1:7001/ ')).toBe('http://127.0.0.1:7001');
    expect(parseEndpoint('https://db.example:443')).toBe('https://db.example');
    expect(parseEndpoint('[::1]:7001')).toBe('http://[::1]:7001');
  });

  it.each(['http://h:1/v1', 'ftp://h:1', 'http://u:p@h:1', 'h:1?x=1', 'http://', ''])('refuses %j', (text) => {
    expect(() => parseEndpoint(text)).toThrow(InvalidRequestError);
  });
});

describe('EndpointPool', () => {
  const A = 'http://a:1';
  const B = 'http://b:1';
  const C = 'http://c:1';

  it('starts each plan one endpoint further on', () => {
    const pool = new EndpointPool([A, B, C], 1000, () => 0, 0);
    expect(pool.plan()).toEqual([A, B, C]);
    expect(pool.plan()).toEqual([B, C, A]);
    expect(pool.plan()).toEqual([C, A, B]);
    expect(pool.plan()).toEqual([A, B, C]);
  });

  it('tries an endpoint marked down last until its cooldown passes', () => {
    let nowMs = 0;
    const pool = new EndpointPool([A, B, C], 1000, () => nowMs, 0);
    pool.markDown(A);
    expect(pool.plan()).toEqual([B, C, A]);
    expect(pool.plan()).toEqual([B, C, A]);
    nowMs = 999;
    expect(pool.plan()).toEqual([C, B, A]);
    nowMs = 1000;
    expect(pool.plan()).toEqual([A, B, C]);
    pool.markDown(C);
    pool.markUp(C);
    expect(pool.plan()).toEqual([B, C, A]);
  });

  it('drops duplicates and refuses an empty list', () => {
    expect(new EndpointPool([A, 'a:1', B], 1000).origins).toEqual([A, B]);
    expect(() => new EndpointPool([], 1000)).toThrow(InvalidRequestError);
  });
});
