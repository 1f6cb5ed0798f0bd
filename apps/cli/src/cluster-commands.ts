import type { EndpointReport, Flotilla, Health, NodeStatus } from '@flotilla/client';
import { FlotillaError } from '@flotilla/client';
import type { OutputFormat } from './command-line.js';
import type { CliIo } from './cli-io.js';
import { EXIT } from './exit-codes.js';
import type { ExitCode } from './exit-codes.js';
import { print, shortEndpoint } from './output.js';

const errorJson = (error: Error) => ({ code: error instanceof FlotillaError ? error.code : error.name, message: error.message });

/** Each failed endpoint on stderr; the exit code says whether any failed. */
const reportFailures = <T>(io: CliIo, reports: readonly EndpointReport<T>[]): ExitCode => {
  for (const report of reports) if (!report.ok) io.stderr(`flotilla: ${shortEndpoint(report.endpoint)}: ${report.error.message}\n`);
  return reports.every((report) => report.ok) ? EXIT.OK : EXIT.ERROR;
};

/** `status`: every endpoint's shards as it sees them, one row per shard. */
export const runStatus = async (client: Flotilla, format: OutputFormat, io: CliIo): Promise<ExitCode> => {
  const reports: EndpointReport<NodeStatus>[] = await client.endpointStatus();
  print(io, format, {
    json: reports.map((report) =>
      report.ok
        ? {
            endpoint: report.endpoint,
            node: report.value.node,
            groups: report.value.groups.map((group) => ({
              group: group.group,
              range: { start: String(group.range.start), end: String(group.range.end) },
              role: group.role,
              term: group.term,
              leader: group.leader,
              commit_index: group.commitIndex,
              applied_index: group.appliedIndex,
              voters: group.voters,
              learners: group.learners,
              quiesced: group.quiesced,
            })),
          }
        : { endpoint: report.endpoint, error: errorJson(report.error) },
    ),
    table: {
      headers: ['ENDPOINT', 'NODE', 'SHARD', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'VOTERS'],
      rows: reports.flatMap((report) =>
        report.ok
          ? report.value.groups.map((group) => [
              shortEndpoint(report.endpoint),
              String(report.value.node),
              String(group.group),
              group.role,
              String(group.term),
              group.leader === 0 ? '-' : String(group.leader),
              String(group.commitIndex),
              String(group.appliedIndex),
              group.voters.join(','),
            ])
          : [],
      ),
    },
  });
  return reportFailures(io, reports);
};

/** `endpoint health`: whether each endpoint is healthy, as etcdctl's command of that name. */
export const runEndpointHealth = async (client: Flotilla, format: OutputFormat, io: CliIo): Promise<ExitCode> => {
  const reports: EndpointReport<Health>[] = await client.endpointHealth();
  const tookMs = (report: EndpointReport<Health>): number => Math.round(report.tookMs);
  print(io, format, {
    json: reports.map((report) => ({
      endpoint: report.endpoint,
      health: report.ok && report.value.healthy,
      took_ms: tookMs(report),
      ...(report.ok ? (report.value.reason === undefined ? {} : { reason: report.value.reason }) : { error: errorJson(report.error) }),
    })),
    table: {
      headers: ['ENDPOINT', 'HEALTH', 'TOOK', 'ERROR'],
      rows: reports.map((report) => [
        shortEndpoint(report.endpoint),
        String(report.ok && report.value.healthy),
        `${tookMs(report)}ms`,
        report.ok ? (report.value.reason ?? '') : report.error.message,
      ]),
    },
  });
  return reports.every((report) => report.ok && report.value.healthy) ? EXIT.OK : EXIT.ERROR;
};
