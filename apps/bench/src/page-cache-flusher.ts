// Writes the page cache's dirty data to disk (coreutils `sync`) before each cluster starts and
// after each stops: a write-heavy run leaves dirty pages behind, and the kernel's writeback of
// them would otherwise compete with the next system's fsyncs and be charged to that system.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** The program and its arguments, e.g. `['/usr/bin/sync']`. */
export type SyncCommand = readonly [string, ...string[]];

export class PageCacheFlusher {
  private flushCount = 0;
  private totalMs = 0;
  private longestMs = 0;

  /** `command` undefined: there is no `sync` here, and flush() does nothing (the note says so). */
  constructor(
    private readonly command: SyncCommand | undefined,
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  async flush(): Promise<void> {
    if (this.command === undefined) return;
    const [file, ...args] = this.command;
    const startMs = this.nowMs();
    try {
      await execFileAsync(file, args);
    } catch (error) {
      // A failing sync means a failing disk: no number measured on it would mean anything.
      throw new Error(`${this.command.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const tookMs = this.nowMs() - startMs;
    this.flushCount += 1;
    this.totalMs += tookMs;
    this.longestMs = Math.max(this.longestMs, tookMs);
  }

  /** One line for the notes under the table; a long sync means the disk was still busy writing back. */
  note(): string {
    if (this.command === undefined) {
      return 'page cache: no `sync` on PATH, so dirty pages were not flushed between systems; one system\'s writeback may have slowed the next';
    }
    const seconds = (ms: number) => (ms / 1000).toFixed(1);
    return (
      `page cache: \`${this.command.join(' ')}\` before the first cluster and after each stop: ` +
      `${this.flushCount} runs, ${seconds(this.totalMs)} s in all, longest ${seconds(this.longestMs)} s`
    );
  }
}
