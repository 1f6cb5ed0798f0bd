import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { OutputTail } from './output-tail.js';

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

// Every server this process started and has not yet seen exit. Should the test runner die
// between a spawn and its cleanup, the exit hook still takes the servers down with it.
const liveChildren = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

const copyLines = (stream: Readable, prefix: string, output: OutputTail): void => {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => output.append(`${prefix}${line}`));
};

/** One running server process, its stdout and stderr copied line by line into `output`. */
export class ServerProcess {
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;

  private constructor(private readonly child: ChildProcess) {
    liveChildren.add(child);
    this.exited = new Promise((resolveExited) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        this.exit = { code, signal };
        resolveExited(this.exit);
      });
    });
  }

  static spawn(scriptPath: string, args: readonly string[], output: OutputTail, label: string): ServerProcess {
    const child = spawn(process.execPath, [scriptPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const server = new ServerProcess(child);
    if (child.stdout !== null) copyLines(child.stdout, `${label} out| `, output);
    if (child.stderr !== null) copyLines(child.stderr, `${label} err| `, output);
    child.once('error', (error) => output.append(`${label} spawn error| ${error.message}`));
    return server;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How it exited, or undefined while it runs. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** Sends `signal` and waits for the exit; one that outlives `patienceMs` is killed outright. */
  async stop(signal: NodeJS.Signals, patienceMs: number): Promise<ProcessExit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const patience = new Promise<'late'>((resolveLate) => {
      timer = setTimeout(() => resolveLate('late'), patienceMs);
    });
    const first = await Promise.race([this.exited, patience]);
    clearTimeout(timer);
    if (first !== 'late') return first;
    this.child.kill('SIGKILL');
    return this.exited;
  }
}
