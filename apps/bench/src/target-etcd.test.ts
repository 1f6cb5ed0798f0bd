import { describe, expect, it } from 'vitest';
import { createEtcdProtocol, encodeEtcdPut, encodeEtcdRange, ETCD_PUT_PATH, ETCD_RANGE_PATH } from './target-etcd.js';

const json = (body: Buffer | undefined): unknown => JSON.parse(body?.toString() ?? 'null');

describe('etcd JSON gateway encoding', () => {
  it('base64-encodes keys and values of puts', () => {
    expect(json(encodeEtcdPut('k0000000000000042', Buffer.from('hello').toString('base64')))).toEqual({
      key: 'azAwMDAwMDAwMDAwMDAwNDI=',
      value: 'aGVsbG8=',
    });
  });

  it('encodes non-ASCII keys as their UTF-8 bytes', () => {
    expect(json(encodeEtcdPut('ключ', ''))).toEqual({ key: '0LrQu9GO0Yc=', value: '' });
  });

  it('asks for a linearizable range by default and a serializable one for stale reads', () => {
    expect(json(encodeEtcdRange('a', false))).toEqual({ key: 'YQ==' });
    expect(json(encodeEtcdRange('a', true))).toEqual({ key: 'YQ==', serializable: true });
  });

  it('builds POST requests with a matching content-length', () => {
    const protocol = createEtcdProtocol(Buffer.from('vv'), { mode: 'stale' });
    const write = protocol.writeRequest('k1');
    expect(write.method).toBe('POST');
    expect(write.path).toBe(ETCD_PUT_PATH);
    expect(json(write.body)).toEqual({ key: 'azE=', value: 'dnY=' });
    expect(write.headers['content-length']).toBe(write.body?.length);
    const read = protocol.readRequest('k1');
    expect(read.path).toBe(ETCD_RANGE_PATH);
    expect(json(read.body)).toEqual({ key: 'azE=', serializable: true });
  });

  it('refuses bounded staleness, which etcd does not have', () => {
    expect(() => createEtcdProtocol(Buffer.alloc(0), { mode: 'bounded', maxStalenessMs: 1 })).toThrow(/bounded/);
  });

  it('classifies replies: kvs present, kvs absent, gateway errors', () => {
    const protocol = createEtcdProtocol(Buffer.alloc(0), { mode: 'linearizable' });
    expect(protocol.classify('read', 200, Buffer.from('{"header":{},"kvs":[{"key":"YQ=="}],"count":"1"}'))).toEqual({ kind: 'ok' });
    expect(protocol.classify('read', 200, Buffer.from('{"header":{}}'))).toEqual({ kind: 'notFound' });
    expect(protocol.classify('write', 200, undefined)).toEqual({ kind: 'ok' });
    expect(protocol.classify('write', 503, Buffer.from('{"error":"etcdserver: leader changed","code":14}'))).toEqual({
      kind: 'error',
      label: 'HTTP 503 etcdserver: leader changed',
    });
    expect(protocol.classify('write', 500, Buffer.from('{"code":2}'))).toEqual({ kind: 'error', label: 'HTTP 500 grpc code 2' });
    expect(protocol.classify('write', 502, Buffer.from('<html>'))).toEqual({ kind: 'error', label: 'HTTP 502 no error message' });
    expect(protocol.needsBody('read', 200)).toBe(true);
    expect(protocol.needsBody('write', 200)).toBe(false);
  });
});
