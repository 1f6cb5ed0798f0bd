import { describe, expect, it } from 'vitest';
import { PageCacheFlusher } from './page-cache-flusher.js';

/** A clock that advances `stepMs` each time it is read. */
function steppingClock(stepMs: number): () => number {
  let nowMs = 0;
  return () => {
    nowMs += stepMs;
    return nowMs;
  };
}

describe('PageCacheFlusher', () => {
  it('runs the command on every flush and sums up how long the flushes took', async () => {
    const flusher = new PageCacheFlusher([process.execPath, '-e', ''], steppingClock(200));
    await flusher.flush();
    await flusher.flush();
    expect(flusher.note()).toBe(`page cache: \`${process.execPath} -e \` before the first cluster and after each stop: 2 runs, 0.4 s in all, longest 0.2 s`);
  });

  it('does nothing without a command, and says so', async () => {
    const flusher = new PageCacheFlusher(undefined);
    await flusher.flush();
    expect(flusher.note()).toMatch(/no `sync` on PATH, so dirty pages were not flushed/);
  });

  it('fails loudly when the command fails', async () => {
    const flusher = new PageCacheFlusher([process.execPath, '-e', 'process.exit(3)']);
    await expect(flusher.flush()).rejects.toThrow(/-e process\.exit\(3\) failed: Command failed/);
    expect(flusher.note()).toMatch(/0 runs/);
  });
});
