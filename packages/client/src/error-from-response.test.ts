import { describe, expect, it } from 'vitest';
import { errorFromResponse, retryAfterMs } from './error-from-response.js';
import { CompareFailedError, FlotillaError, InvalidRequestError, NotFoundError, UnavailableError, UnknownOutcomeError } from './errors.js';

const body = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const answer = (status: number, code: string, extra: Record<string, unknown> = {}, retryAfter?: string) => ({
  status,
  body: body({ error: { code, message: `says ${code}`, ...extra } }),
  retryAfter,
  endpoint: 'http://n1:1',
});

describe('errorFromResponse', () => {
  it('maps each documented answer to its class', () => {
    expect(errorFromResponse(answer(404, 'key_not_found'), false)).toBeInstanceOf(NotFoundError);
    const compare = errorFromResponse(answer(412, 'compare_failed', { current_revision: 7 }), true);
    expect(compare).toBeInstanceOf(CompareFailedError);
    expect((compare as CompareFailedError).currentRevision).toBe(7);
    for (const [status, code] of [[400, 'bad_query'], [400, 'invalid_request'], [405, 'method_not_allowed'], [413, 'too_large']] as const) {
      expect(errorFromResponse(answer(status, code), true)).toBeInstanceOf(InvalidRequestError);
    }
    for (const [status, code] of [[503, 'no_leader'], [503, 'not_leader'], [503, 'shutting_down'], [429, 'overloaded']] as const) {
      expect(errorFromResponse(answer(status, code), true)).toBeInstanceOf(UnavailableError);
    }
  });

  it('reads a 504 as an unknown outcome for a write and a refusal for a read', () => {
    expect(errorFromResponse(answer(504, 'unknown_outcome'), true)).toBeInstanceOf(UnknownOutcomeError);
    expect(errorFromResponse(answer(504, 'timeout'), false)).toBeInstanceOf(UnavailableError);
  });

  it('keeps the code, status, message and endpoint, and names an unknown code with a plain FlotillaError', () => {
    const error = errorFromResponse(answer(500, 'internal'), false);
    expect(error.constructor).toBe(FlotillaError);
    expect(error).toMatchObject({ code: 'internal', status: 500, endpoint: 'http://n1:1', message: 'http://n1:1: says internal' });
    const route = errorFromResponse(answer(404, 'not_found'), false);
    expect(route.constructor).toBe(FlotillaError);
  });

  it('describes a body that is not an error object by its status', () => {
    const error = errorFromResponse({ status: 502, body: new TextEncoder().encode('<html>'), retryAfter: undefined, endpoint: 'e' }, false);
    expect(error).toMatchObject({ code: 'http_502', status: 502 });
  });

  it('carries Retry-After in milliseconds', () => {
    expect((errorFromResponse(answer(429, 'overloaded', {}, '2'), true) as UnavailableError).retryAfterMs).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
