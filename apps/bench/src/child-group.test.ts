import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ChildGroup } from './child-group.js';
import { startLocalCluster } from './local-cluster.js';

const dirs: string[] = [];
const logDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-child-group-'));
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

describe('ChildGroup', () => {
  it('stops a child that ignores SIGTERM by killing it', async () => {
    const group = new ChildGroup(100);
    const logPath = join(logDir(), 'stubborn.log');
    const child = group.spawn({
      name: 'stubborn',
      command: process.execPath,
      args: ['-e', "process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);"],
      logPath,
    });
    // SIGTERM must reach the child after it chose to ignore it, or there is nothing to test.
    while (!readFileSync(logPath, 'utf8').includes('up')) await sleep(20);
    await group.stop();
    expect(await child.exited).toBe('SIGKILL');
    expect(isAlive(child.process.pid)).toBe(false);
  });

  it('fails a cluster whose member dies before it is ready, with its log, and leaves nothing running', async () => {
    const group = new ChildGroup();
    const dir = logDir();
    const start = startLocalCluster(
      group,
      'doomed',
      dir,
      [{ name: 'm1', command: process.execPath, args: ['-e', "console.error('no config'); process.exit(3)"], clientEndpoint: { host: '127.0.0.1', port: 1 }, readyUrl: 'http://127.0.0.1:1/', isReady: () => true }],
      10_000,
    );
    await expect(start).rejects.toThrow(/m1 exited \(3\) before it was ready[\s\S]*no config/);
  });
});
