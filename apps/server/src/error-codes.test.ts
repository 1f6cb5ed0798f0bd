import { describe, expect, it } from 'vitest';
import { KV_ERROR_CODES, KvInputError } from '@flotilla/kv';
import { SERVICE_ERROR_CODES, ServiceError } from '@flotilla/multiraft';
import { errorBody } from './http-error.js';
import { createTestApp, errorOf } from './testing/test-app.js';

// One spelling of each error code on the HTTP surface: snake_case, as `no_leader`.

describe('error codes', () => {
  it('refuses to write a code in any other spelling', () => {
    expect(() => errorBody('no-leader', 'x')).toThrow(/not snake_case/);
    expect(() => errorBody('noLeader', 'x')).toThrow(/not snake_case/);
    expect(errorBody('no_leader', 'x')).toEqual({ error: { code: 'no_leader', message: 'x' } });
  });

  it.each(SERVICE_ERROR_CODES.map((code) => [code]))('answers the service error %s with a snake_case code', async (code) => {
    const { app, service } = createTestApp();
    service.failNext(new ServiceError(code, 'scripted'));
    const response = await app.request('/v1/kv/k');
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect((await errorOf(response)).code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it.each(KV_ERROR_CODES.map((code) => [code]))('answers the input error %s under its own code', async (code) => {
    const { app, service } = createTestApp();
    service.failNext(new KvInputError(code, 'scripted'));
    expect((await errorOf(await app.request('/v1/kv/k'))).code).toBe(code);
  });
});
