import { expect } from 'vitest';
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { createApp } from '../app.js';
import { newHttpCounters } from '../http-counters.js';
import type { HttpCounters } from '../http-counters.js';
import { FakeKvService } from './fake-kv-service.js';

export interface TestApp {
  readonly app: Hono;
  readonly service: FakeKvService;
  readonly counters: HttpCounters;
  readonly logger: Logger;
  /** Every line the app logged, as parsed JSON. */
  readonly logLines: Record<string, unknown>[];
}

/** An app over a fresh fake service, logging into memory. */
export const createTestApp = (options: { readonly maxBodyBytes?: number } = {}): TestApp => {
  const service = new FakeKvService();
  const logLines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const counters = newHttpCounters();
  const logger = pino({ level: 'debug' }, sink);
  const app = createApp(service, { logger, counters, ...options });
  return { app, service, counters, logger, logLines };
};

export interface ErrorJson {
  readonly error: { readonly code: string; readonly message: string } & Record<string, unknown>;
}

export const errorOf = async (response: Response): Promise<ErrorJson['error']> => {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ErrorJson;
  expect(typeof body.error.message).toBe('string');
  return body.error;
};
