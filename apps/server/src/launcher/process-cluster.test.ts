import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { freeLoopbackPorts } from './free-loopback-ports.js';
import { ProcessCluster } from './process-cluster.js';
import type { ClusterMember } from './process-cluster.js';

const dirs: string[] = [];
const logDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-launcher-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const isAlive = (pid: number | undefined): boolean => {
  try {
    process.kill(pid ?? -1, 0);
    return true;
  } catch {
    return false;
  }
};

/** A member running `script` with node; ready when its URL answers 200. */
const nodeScript = (id: number, script: string, output: ClusterMember['output'], readyUrl = 'http://127.0.0.1:1/'): ClusterMember => ({
  id,
  name: `m${id}`,
  command: process.execPath,
  args: ['-e', script],
  output,
  readyUrl,
  isReady: (status) => status === 200,
});

describe('ProcessCluster', () => {
  it('stops a member that ignores SIGTERM by killing it', async () => {
    const logPath = join(logDir(), 'stubborn.log');
    const cluster = new ProcessCluster([nodeScript(1, "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);", { file: logPath })]);
    const launched = cluster.start(1);
    // SIGTERM must reach the child after it chose to ignore it, or there is nothing to test.
    while (!readFileSync(logPath, 'utf8').includes('up')) await sleep(20);
    expect(await cluster.stop(1, 'SIGTERM', 100)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(isAlive(launched.pid)).toBe(false);
    expect(cluster.runningIds()).toEqual([]);
  });

  it('fails the wait for a member that dies before it is ready, with its log', async () => {
    const cluster = new ProcessCluster([nodeScript(1, "console.error('no config'); process.exit(3)", { file: join(logDir(), 'm1.log') })]);
    cluster.startAll();
    await expect(cluster.waitReady([1], 10_000)).rejects.toThrow(/m1 exited \(code 3\) before it was ready; log .*m1\.log:\n[\s\S]*no config/);
  });

  it('waits until every member answers ready, hands output over line by line, and restarts a member', async () => {
    const [port] = (await freeLoopbackPorts(1)) as [number];
    const lines: string[] = [];
    const script = `console.log('listening'); require('node:http').createServer((_, res) => res.end('ok')).listen(${port}, '127.0.0.1');`;
    const cluster = new ProcessCluster([nodeScript(1, script, { onLine: (line, stream) => lines.push(`${stream}: ${line}`) }, `http://127.0.0.1:${port}/`)]);
    try {
      cluster.startAll();
      await cluster.waitReady([1], 10_000);
      expect(lines).toContain('stdout: listening');
      expect(() => cluster.start(1)).toThrow(/already running/);
      await cluster.stop(1, 'SIGTERM', 5000);
      cluster.start(1);
      await cluster.waitReady([1], 10_000);
      expect(cluster.runningIds()).toEqual([1]);
    } finally {
      await cluster.stopAll('SIGKILL', 5000);
    }
  });

  it('gives up on a member that never gets ready, naming it', async () => {
    const cluster = new ProcessCluster([nodeScript(1, 'setInterval(() => {}, 1000);', { onLine: () => {} })]);
    try {
      cluster.startAll();
      await expect(cluster.waitReady([1], 300)).rejects.toThrow(/m1 not ready within 300 ms/);
    } finally {
      await cluster.stopAll('SIGKILL', 5000);
    }
  });
});
