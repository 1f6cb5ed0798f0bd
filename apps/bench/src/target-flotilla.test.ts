import { describe, expect, it } from 'vitest';
import { createFlotillaProtocol, kvPath } from './target-flotilla.js';

describe('Flotilla HTTP API requests', () => {
  it('percent-encodes keys in the path', () => {
    expect(kvPath('a/b c?{x}')).toBe('/v1/kv/a%2Fb%20c%3F%7Bx%7D');
  });

  it('puts the raw value and reads with the asked consistency', () => {
    const value = Buffer.from('value');
    const write = createFlotillaProtocol(value, { mode: 'linearizable' }).writeRequest('k1');
    expect(write).toMatchObject({ method: 'PUT', path: '/v1/kv/k1', body: value });
    expect(write.headers['content-length']).toBe(5);
    expect(createFlotillaProtocol(value, { mode: 'linearizable' }).readRequest('k1').path).toBe('/v1/kv/k1?consistency=linearizable');
    expect(createFlotillaProtocol(value, { mode: 'stale' }).readRequest('k1').path).toBe('/v1/kv/k1?consistency=stale');
    expect(createFlotillaProtocol(value, { mode: 'bounded', maxStalenessMs: 50 }).readRequest('k1')).toMatchObject({
      method: 'GET',
      path: '/v1/kv/k1?consistency=bounded&max_staleness_ms=50',
      body: undefined,
    });
  });

  it('classifies replies by status and error code', () => {
    const protocol = createFlotillaProtocol(Buffer.alloc(0), { mode: 'linearizable' });
    expect(protocol.classify('write', 200, undefined)).toEqual({ kind: 'ok' });
    expect(protocol.classify('read', 404, undefined)).toEqual({ kind: 'notFound' });
    expect(protocol.classify('write', 404, undefined)).toEqual({ kind: 'error', label: 'HTTP 404 no error code' });
    expect(protocol.classify('write', 429, Buffer.from('{"error":{"code":"OVERLOADED","message":"m"}}'))).toEqual({
      kind: 'error',
      label: 'HTTP 429 OVERLOADED',
    });
    expect(protocol.classify('read', 500, Buffer.from('not json'))).toEqual({ kind: 'error', label: 'HTTP 500 no error code' });
    expect(protocol.needsBody('read', 200)).toBe(false);
    expect(protocol.needsBody('read', 503)).toBe(true);
  });
});
