import { describe, expect, it, vi } from 'vitest';
import { KEY_ROUTE } from './kv-routes.js';
import { createTestApp } from './testing/test-app.js';

/** The samples of one metric in the text format, as `labels → value`. */
const samples = (text: string, name: string): Map<string, number> => {
  const found = new Map<string, number>();
  for (const line of text.split('\n')) {
    // Label values are quoted and may hold braces (route patterns do).
    const match = /^([a-z_]+)(\{(?:[^"}]|"[^"]*")*\})? ([0-9.e+-]+|NaN)$/.exec(line);
    if (match?.[1] === name) found.set(match[2] ?? '', Number(match[3]));
  }
  return found;
};

describe('GET /metrics', () => {
  it("answers Prometheus' text format with etcd's names, the shards' gauges and the process metrics", async () => {
    const { app, service } = createTestApp();
    const status = vi.spyOn(service, 'status');
    const response = await app.request('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    // One read of the node's status serves every gauge of the scrape.
    expect(status).toHaveBeenCalledTimes(1);
    expect(samples(text, 'etcd_server_has_leader')).toEqual(new Map([['', 1]]));
    expect(samples(text, 'etcd_server_is_leader')).toEqual(new Map([['', 1]]));
    expect(samples(text, 'flotilla_shard_is_leader')).toEqual(new Map([['{shard="1"}', 1]]));
    for (const name of ['etcd_server_proposals_committed_total', 'etcd_server_proposals_applied_total', 'flotilla_shard_applied_index', 'process_cpu_user_seconds_total', 'nodejs_heap_size_used_bytes']) {
      expect(samples(text, name).size, name).toBeGreaterThan(0);
    }
  });

  it('counts answered requests by method, route pattern and status, never by raw key', async () => {
    const { app } = createTestApp();
    await app.request('/v1/kv/some/key', { method: 'PUT', body: 'v' });
    await app.request('/v1/kv/other', { method: 'PUT', body: 'w' });
    await app.request('/v1/kv/k', { method: 'POST' });
    await app.request('/nowhere');
    const text = await (await app.request('/metrics')).text();
    const requests = samples(text, 'flotilla_http_requests_total');
    expect(requests.get(`{method="PUT",route="${KEY_ROUTE}",code="200"}`)).toBe(2);
    expect(requests.get(`{method="POST",route="${KEY_ROUTE}",code="405"}`)).toBe(1);
    expect(requests.get('{method="GET",route="unmatched",code="404"}')).toBe(1);
    expect([...requests.keys()].some((labels) => labels.includes('some/key') || labels.includes('nowhere'))).toBe(false);
    const durations = samples(text, 'flotilla_http_request_duration_seconds_count');
    expect(durations.get(`{method="PUT",route="${KEY_ROUTE}"}`)).toBe(2);
  });
});
