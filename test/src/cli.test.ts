import { describe, expect, it } from 'vitest';
import { useSharedCluster } from './harness/cluster-fixture.js';
import { runFlotilla } from './harness/cli-process.js';
import type { CliRun } from './harness/cli-process.js';
import { freeLoopbackPorts } from '@flotilla/server/launcher';
import { pollUntil } from './harness/poll.js';

const SHARDS = 3;
const cluster = useSharedCluster({ shards: SHARDS });

const endpointsFlag = (): string => `--endpoints=${cluster().nodes.map((node) => node.clientUrl).join(',')}`;
const flotilla = (...args: string[]): Promise<CliRun> => runFlotilla([endpointsFlag(), ...args]);

const expectExit = (run: CliRun, code: number): CliRun => {
  expect(run.code, `exit code; stdout:\n${run.stdout}\nstderr:\n${run.stderr}`).toBe(code);
  return run;
};

/** The table's lines, each split on its runs of two or more spaces (the column gaps). */
const tableRows = (stdout: string): string[][] =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));

describe('the flotilla CLI on a real cluster', () => {
  it('puts, gets, deletes and scans, with table and JSON output', async () => {
    const put = expectExit(await flotilla('put', 'cli/greeting', 'hello world'), 0);
    const [header, row] = tableRows(put.stdout);
    expect(header).toEqual(['KEY', 'REVISION', 'CREATE_REV', 'MOD_REV', 'VERSION']);
    expect(row?.[0]).toBe('cli/greeting');
    const modRevision = row?.[3] ?? '';

    const get = expectExit(await flotilla('get', 'cli/greeting'), 0);
    expect(tableRows(get.stdout)).toEqual([
      ['KEY', 'VALUE', 'CREATE_REV', 'MOD_REV', 'VERSION'],
      ['cli/greeting', 'hello world', modRevision, modRevision, '1'],
    ]);
    const json = expectExit(await flotilla('get', 'cli/greeting', '-w', 'json'), 0);
    expect(JSON.parse(json.stdout)).toEqual({
      key: 'cli/greeting',
      value: 'hello world',
      create_revision: Number(modRevision),
      mod_revision: Number(modRevision),
      version: 1,
    });
    expect(expectExit(await flotilla('get', 'cli/greeting', '--print-value-only'), 0).stdout).toBe('hello world\n');

    expectExit(await runFlotilla([endpointsFlag(), 'put', 'cli/from-stdin'], { stdin: 'piped\nvalue' }), 0);
    await pollUntil('a stale read of cli/from-stdin', async () => {
      // A stale read may land on a follower that has not applied the write yet: it is polled.
      const run = await flotilla('get', 'cli/from-stdin', '-w', 'json', '--consistency', 'stale');
      return run.code === 0 ? run : undefined;
    }, { timeoutMs: 10_000 }).then((run) => expect(JSON.parse(run.stdout)).toMatchObject({ value: 'piped\nvalue' }));

    const scan = expectExit(await flotilla('scan', 'cli/'), 0);
    expect(tableRows(scan.stdout).map((cells) => cells[0])).toEqual(['KEY', 'cli/from-stdin', 'cli/greeting']);
    expect(tableRows(scan.stdout)[1]?.[1]).toBe('piped\\nvalue');
    const limited = expectExit(await flotilla('scan', 'cli/', '--limit', '1', '--keys-only', '-w', 'json'), 0);
    expect(JSON.parse(limited.stdout)).toEqual({ items: [{ key: 'cli/from-stdin' }], more: true });

    const deleted = expectExit(await flotilla('del', 'cli/from-stdin', '-w', 'json'), 0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ key: 'cli/from-stdin', deleted: true });
  });

  it('exits with a code of its own for a missing key, a failed compare and a bad command line', async () => {
    // Independent commands run side by side: each is a process of its own.
    const [missing, missingDelete, created, usage, badFlag, badEndpoint] = await Promise.all([
      flotilla('get', 'cli/nothing-here'),
      flotilla('del', 'cli/nothing-here'),
      flotilla('put', 'cli/once', 'first', '--if-revision', '0'),
      flotilla('get'),
      flotilla('get', 'k', '--consistency', 'sequential'),
      runFlotilla(['--endpoints', 'http://127.0.0.1:1/path', 'status']),
    ]);
    expectExit(missing, 3);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain('key not found: cli/nothing-here');
    expectExit(missingDelete, 3);
    expectExit(created, 0);
    expect(expectExit(usage, 2).stderr).toContain("Run 'flotilla --help'");
    expectExit(badFlag, 2);
    expectExit(badEndpoint, 2);

    const [compare, compareDelete] = await Promise.all([
      flotilla('put', 'cli/once', 'second', '--if-revision', '0'),
      flotilla('del', 'cli/once', '--if-revision', String(Number.MAX_SAFE_INTEGER)),
    ]);
    expect(expectExit(compare, 4).stderr).toMatch(/if_revision=0 but the key's mod revision is [1-9]/);
    expectExit(compareDelete, 4);
    expect(expectExit(await flotilla('get', 'cli/once', '--print-value-only'), 0).stdout).toBe('first\n');
  });

  it('shows every node and shard in status, in 80 columns, and reads FLOTILLA_ENDPOINTS', async () => {
    const endpoints = cluster().nodes.map((node) => node.clientUrl).join(',');
    const [statusRun, jsonRun] = await Promise.all([
      runFlotilla(['status'], { env: { FLOTILLA_ENDPOINTS: endpoints } }),
      runFlotilla(['status', '-w', 'json'], { env: { FLOTILLA_ENDPOINTS: endpoints } }),
    ]);
    const status = expectExit(statusRun, 0);
    const rows = tableRows(status.stdout);
    expect(rows[0]).toEqual(['ENDPOINT', 'NODE', 'SHARD', 'ROLE', 'TERM', 'LEADER', 'COMMIT', 'APPLIED', 'VOTERS']);
    expect(rows.slice(1)).toHaveLength(3 * SHARDS);
    expect(new Set(rows.slice(1).map((cells) => cells[1]))).toEqual(new Set(['1', '2', '3']));
    for (const line of status.stdout.trimEnd().split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    // Each shard has exactly one leader, and every node names the same one.
    for (let shard = 1; shard <= SHARDS; shard++) {
      const shardRows = rows.slice(1).filter((cells) => cells[2] === String(shard));
      expect(shardRows.filter((cells) => cells[3] === 'leader')).toHaveLength(1);
    }

    const json = JSON.parse(expectExit(jsonRun, 0).stdout);
    expect(json).toHaveLength(3);
    expect(json[0].groups).toHaveLength(SHARDS);
  });

  it('reports endpoint health, and exits 1 when an endpoint is down', async () => {
    const [deadPort] = await freeLoopbackPorts(1);
    const [healthyRun, withDeadRun] = await Promise.all([
      flotilla('endpoint', 'health'),
      runFlotilla([`${endpointsFlag()},127.0.0.1:${deadPort}`, 'endpoint', 'health', '-w', 'json']),
    ]);
    const rows = tableRows(expectExit(healthyRun, 0).stdout);
    expect(rows[0]).toEqual(['ENDPOINT', 'HEALTH', 'TOOK', 'ERROR']);
    expect(rows.slice(1).map((cells) => cells[1])).toEqual(['true', 'true', 'true']);

    const withDead = expectExit(withDeadRun, 1);
    const reports = JSON.parse(withDead.stdout) as { endpoint: string; health: boolean }[];
    expect(reports.map((report) => report.health)).toEqual([true, true, true, false]);
    expect(reports[3]?.endpoint).toBe(`http://127.0.0.1:${deadPort}`);
  });
});
