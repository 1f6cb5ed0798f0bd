// GET /metrics in Prometheus' text format, through prom-client (a registry, the exposition
// format and Node's process metrics are its job, not ours). Names follow etcd's where the
// meaning is the same, so dashboards built for etcd read a Flotilla node: etcd sets its
// proposals committed and applied from the raft indexes, and so does this, summed over the
// node's shards. Shard gauges are read from the node's status at scrape time: nothing on the
// request path or in the loop pays for them.
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Role } from '@flotilla/raft';
import type { GroupStatus, KvService, NodeStatus } from '@flotilla/multiraft';
import type { HttpCounters } from './http-counters.js';

export const METRICS_PATH = '/metrics';

/** Request latency buckets in seconds: from a local read to a write that waited out a slow disk. */
const LATENCY_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface NodeMetrics {
  readonly registry: Registry;
  /** The exposition text: the node's status is read once for the whole scrape, not per gauge. */
  scrape(): Promise<string>;
  /** Counts and times every request, labelled by its route pattern (never the raw path: keys are unbounded). */
  readonly middleware: MiddlewareHandler;
}

const routeOf = (c: Context): string => {
  const route = c.req.routePath;
  // The catch-all of the body reader answers 404s and 405s: name it by what it is.
  return route === '*' || route === '/*' ? 'unmatched' : route;
};

export function createNodeMetrics(service: KvService, counters: HttpCounters): NodeMetrics {
  const registry = new Registry();
  let status: NodeStatus | undefined;
  const scraped = (): NodeStatus => (status ??= service.status());
  collectDefaultMetrics({ register: registry });
  const shardGauge = (name: string, help: string, value: (group: GroupStatus) => number): void => {
    new Gauge({
      name,
      help,
      labelNames: ['shard'],
      registers: [registry],
      collect() {
        this.reset();
        for (const group of scraped().groups) this.set({ shard: String(group.group) }, value(group));
      },
    });
  };
  const nodeGauge = (name: string, help: string, value: () => number): void => {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value());
      },
    });
  };
  const sumOver = (value: (group: GroupStatus) => number) => () =>
    scraped().groups.reduce((sum, group) => sum + value(group), 0);

  nodeGauge('etcd_server_has_leader', 'Whether every shard on this node knows its leader (1) or not (0).', () =>
    scraped().groups.every((group) => group.leader !== 0) ? 1 : 0,
  );
  nodeGauge('etcd_server_is_leader', 'Shards this node leads.', sumOver((group) => (group.role === Role.LEADER ? 1 : 0)));
  nodeGauge('etcd_server_proposals_committed_total', 'Committed raft entries, summed over the shards on this node.', sumOver((group) => group.commitIndex));
  nodeGauge('etcd_server_proposals_applied_total', 'Applied raft entries, summed over the shards on this node.', sumOver((group) => group.appliedIndex));
  nodeGauge('etcd_server_proposals_pending', 'Committed entries not yet applied, summed over the shards on this node.', sumOver((group) => group.commitIndex - group.appliedIndex));
  shardGauge('flotilla_shard_is_leader', 'Whether this node leads the shard.', (group) => (group.role === Role.LEADER ? 1 : 0));
  shardGauge('flotilla_shard_term', 'The shard replica\'s raft term.', (group) => group.term);
  shardGauge('flotilla_shard_commit_index', 'The shard replica\'s commit index.', (group) => group.commitIndex);
  shardGauge('flotilla_shard_applied_index', 'The shard replica\'s applied (and written) index.', (group) => group.appliedIndex);
  shardGauge('flotilla_shard_log_entries', 'Raft log entries this replica holds above its snapshot.', (group) => group.lastIndex - group.firstIndex + 1);
  shardGauge('flotilla_shard_snapshots_sent_total', 'Snapshot files written to send to a follower, since start.', (group) => group.snapshotsTaken);
  shardGauge('flotilla_shard_snapshots_installed_total', 'Snapshots received and installed, since start.', (group) => group.snapshotsInstalled);
  shardGauge('flotilla_shard_compactions_total', 'Log compactions at the threshold, since start.', (group) => group.compactions);
  shardGauge('flotilla_shard_quiesced', 'Whether the shard replica is idle (not ticking).', (group) => (group.quiesced ? 1 : 0));
  nodeGauge('flotilla_http_connections_refused_total', 'Connections closed at accept: the node already had --max-connections.', () => counters.connectionsRefused);
  nodeGauge('flotilla_http_connections_shed_total', 'Connections closed for pipelining too deep or leaving responses unread.', () => counters.connectionsShed);
  nodeGauge('flotilla_http_malformed_requests_total', 'Requests the HTTP parser refused.', () => counters.malformedRequests);
  nodeGauge('flotilla_http_clients_gone_total', 'Clients that went away before their request body ended.', () => counters.clientsGone);
  nodeGauge('flotilla_http_unread_response_bytes', 'Response bytes the node holds that clients have not read.', () => counters.unreadResponseBytes);

  const requests = new Counter({
    name: 'flotilla_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'code'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'flotilla_http_request_duration_seconds',
    help: 'Time from a request\'s arrival to its answer, by method and route pattern.',
    labelNames: ['method', 'route'],
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  });
  const middleware: MiddlewareHandler = async (c, next) => {
    const startedNs = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const labels = { method: c.req.method, route: routeOf(c) };
      latency.observe(labels, Number(process.hrtime.bigint() - startedNs) / 1e9);
      requests.inc({ ...labels, code: String(c.res.status) });
    }
  };
  const scrape = async (): Promise<string> => {
    status = undefined;
    try {
      return await registry.metrics();
    } finally {
      status = undefined;
    }
  };
  return { registry, scrape, middleware };
}

export const registerMetricsRoute = (app: Hono, metrics: NodeMetrics): void => {
  app.get(METRICS_PATH, async (c) => c.body(await metrics.scrape(), 200, { 'Content-Type': metrics.registry.contentType }));
};
