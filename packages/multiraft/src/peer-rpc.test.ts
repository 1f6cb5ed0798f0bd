import { describe, expect, it } from 'vitest';
import { encode } from 'cbor-x';
import type { PeerAnswer, PeerRequest } from './peer-rpc.js';
import { decodePeerAnswer, decodePeerRequest, encodePeerMessage, errorAnswer, errorFromAnswer } from './peer-rpc.js';
import { ServiceError } from './service.js';

describe('peer calls on the wire', () => {
  it('round-trips both requests', () => {
    const requests: PeerRequest[] = [
      { kind: 'execute', command: new Uint8Array([1, 2, 3, 0, 255]) },
      { kind: 'hello', clientUrl: 'http://127.0.0.1:8080' },
      { kind: 'hello', clientUrl: 'http://127.0.0.1:8080', started: 123_456 },
    ];
    for (const request of requests) {
      const decoded = decodePeerRequest(encodePeerMessage(request));
      expect(decoded).toEqual(request);
      if (decoded.kind === 'execute') expect(decoded.command).toBeInstanceOf(Uint8Array);
    }
  });

  it('round-trips every answer', () => {
    const answers: PeerAnswer[] = [
      {
        kind: 'executed',
        group: 3,
        logIndex: 12_345_678_901,
        term: 7,
        result: { op: 'put', succeeded: true, revision: 9, createRevision: 2, modRevision: 9, version: 4, prevModRevision: 8 },
      },
      { kind: 'executed', group: 1, logIndex: 2, term: 2, result: { succeeded: false, code: 'compare_failed', currentRevision: 5, revision: 6 } },
      { kind: 'hello', clientUrl: 'http://node-2.test' },
      { kind: 'error', code: 'not_leader', message: 'node 2 leads group 3', details: { leaderUrl: 'http://node-2.test' } },
    ];
    for (const answer of answers) expect(decodePeerAnswer(encodePeerMessage(answer))).toEqual(answer);
  });

  it('carries a service error across with its code, message and details', () => {
    const error = new ServiceError('overloaded', 'too many requests', { retryAfterMs: 100 });
    const decoded = decodePeerAnswer(encodePeerMessage(errorAnswer(error)));
    if (decoded.kind !== 'error') throw new Error(`decoded a ${decoded.kind}`);
    const rebuilt = errorFromAnswer(decoded);
    expect(rebuilt).toBeInstanceOf(ServiceError);
    expect({ code: rebuilt.code, message: rebuilt.message, details: rebuilt.details }).toEqual({
      code: 'overloaded',
      message: 'too many requests',
      details: { retryAfterMs: 100 },
    });
  });

  it('refuses malformed requests', () => {
    const malformed: unknown[] = [
      { kind: 'execute' },
      { kind: 'execute', command: 'not bytes' },
      { kind: 'hello', clientUrl: 42 },
      { kind: 'hello', clientUrl: 'http://node-1.test', started: 'yesterday' },
      { kind: 'hello', clientUrl: 'http://node-1.test', started: 1.5 },
      { kind: 'executed', group: 1 },
      { command: new Uint8Array(1) },
      null,
      7,
      'execute',
      [],
    ];
    for (const value of malformed) expect(() => decodePeerRequest(encode(value))).toThrow('malformed peer request');
  });

  it('refuses malformed answers', () => {
    const malformed: unknown[] = [
      { kind: 'execute', command: new Uint8Array(1) },
      { kind: 'executed', group: 1 },
      { kind: 'executed', group: 1, logIndex: 2, term: 2, result: null },
      { kind: 'hello' },
      { kind: 'error', code: 'teapot', message: 'no such code', details: {} },
      { kind: 'error', code: 'timeout' },
      { kind: 'nonsense' },
      {},
      null,
      3,
    ];
    for (const value of malformed) {
      expect(() => decodePeerAnswer(encode(value))).toThrow('malformed peer answer');
    }
  });

  it('refuses bytes that are not CBOR at all', () => {
    expect(() => decodePeerRequest(new Uint8Array([0xff, 0xff, 0x1c]))).toThrow();
    expect(() => decodePeerRequest(new Uint8Array(0))).toThrow();
  });
});
