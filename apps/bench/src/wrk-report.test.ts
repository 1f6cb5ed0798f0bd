import { describe, expect, it } from 'vitest';
import type { LoadSpec } from './load-spec.js';
import { parseWrkReport, summarizeWrkReport } from './wrk-report.js';
import { wrkThreads } from './wrk-run.js';

const spec: LoadSpec = {
  target: 'etcd',
  endpoints: [
    { host: '127.0.0.1', port: 1 },
    { host: '127.0.0.1', port: 2 },
    { host: '127.0.0.1', port: 3 },
  ],
  clients: 63,
  connsPerEndpoint: 21,
  stop: { kind: 'duration', durationS: 2 },
  warmupS: 0,
  keySizeBytes: 16,
  valueSizeBytes: 256,
  keySpace: 10_000,
  sequentialKeys: false,
  readRatio: 1,
  consistency: { mode: 'linearizable' },
  seed: 1,
  requestTimeoutMs: 10_000,
};

const output = [
  'Running 2s test @ http://127.0.0.1:1/',
  '  3 threads and 63 connections',
  '{"requests":1000,"durationUs":2000000,"errors":{"connect":0,"read":1,"write":0,"status":30,"timeout":2},' +
    '"latencyUs":{"min":100,"mean":900,"p50":800,"p90":1500,"p99":4000,"p999":9000,"max":12000},' +
    '"statuses":{"200":950,"notFound":20,"503":30},"cpuTicks":40}',
].join('\n');

describe('the wrk report', () => {
  it('counts 2xx and empty ranges as answers, other statuses and socket errors as errors', () => {
    const summary = summarizeWrkReport(parseWrkReport(output), spec, 'read', 100);
    expect(summary.reads).toMatchObject({ ok: 930, notFound: 20, answered: 950, errorCount: 33 });
    expect(summary.reads.errors).toEqual({ 'HTTP 503': 30, 'connection read': 1, timeout: 2 });
    expect(summary.answeredPerS).toBe(475);
    expect(summary.latencyUs.p99).toBe(4000);
    expect(summary.writes.answered).toBe(0);
    // 40 ticks of 10 ms over 2 s: a fifth of one core.
    expect(summary.generatorCpuPercent).toBe(20);
  });

  it('counts a Flotilla 404 as a not-found answer', () => {
    const flotilla = output.replace('"200":950,"notFound":20,"503":30', '"200":900,"404":50');
    const summary = summarizeWrkReport(parseWrkReport(flotilla), { ...spec, target: 'flotilla' }, 'read', 100);
    expect(summary.reads).toMatchObject({ ok: 900, notFound: 50, errorCount: 3 });
  });

  it('refuses output without a report line, or with a field missing', () => {
    expect(() => parseWrkReport('PANIC: unprotected error in call to Lua API')).toThrow(/no report line/);
    expect(() => parseWrkReport(output.replace('"p99":4000,', ''))).toThrow(/latencyUs.p99/);
  });

  it('gives each member one thread, and refuses connections that do not spread evenly', () => {
    expect(wrkThreads(63, spec.endpoints)).toBe(3);
    expect(wrkThreads(1, spec.endpoints)).toBe(1);
    expect(() => wrkThreads(64, spec.endpoints)).toThrow(/evenly/);
  });
});
