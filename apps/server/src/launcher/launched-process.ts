import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** How a process ended: its exit code or signal, or why it never started. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly spawnError?: string;
}

/**
 * Where a process's stdout and stderr go: appended to a file, or handed over line by line. Never
 * a pipe nobody reads, which would stall the process once the pipe fills.
 */
export type ProcessOutput =
  | { readonly file: string }
  | { readonly onLine: (line: string, stream: 'stdout' | 'stderr') => void };

export interface LaunchRequest {
  readonly command: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  readonly output: ProcessOutput;
}

/** Enough of a log file to see what led up to a failure. */
const LOG_TAIL_BYTES = 4000;

export const describeExit = (exit: ProcessExit): string =>
  exit.spawnError !== undefined ? `spawn failed: ${exit.spawnError}` : exit.signal !== null ? `signal ${exit.signal}` : `code ${exit.code}`;

// Every process launched here that has not yet been seen to exit. Should this process end
// between a launch and its cleanup, the exit hook still takes them all down with it.
const live = new Set<LaunchedProcess>();
process.on('exit', () => {
  for (const launched of live) launched.killNow();
});

const forwardLines = (stream: Readable | null, name: 'stdout' | 'stderr', onLine: (line: string, stream: 'stdout' | 'stderr') => void): void => {
  if (stream !== null) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => onLine(line, name));
};

const spawnWith = (request: LaunchRequest): ChildProcess => {
  const env = { ...process.env, ...request.env };
  const output = request.output;
  if ('onLine' in output) {
    const child = spawn(request.command, [...request.args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    forwardLines(child.stdout, 'stdout', output.onLine);
    forwardLines(child.stderr, 'stderr', output.onLine);
    return child;
  }
  const logFd = openSync(output.file, 'a');
  try {
    return spawn(request.command, [...request.args], { stdio: ['ignore', logFd, logFd], env });
  } finally {
    closeSync(logFd);
  }
};

/** One child process: how it ended, and a stop that escalates to SIGKILL. */
export class LaunchedProcess {
  /** Resolves once the process is gone (or failed to start). */
  readonly exited: Promise<ProcessExit>;
  private exit: ProcessExit | undefined;

  private constructor(
    private readonly child: ChildProcess,
    private readonly output: ProcessOutput,
  ) {
    live.add(this);
    this.exited = new Promise((resolveExited) => {
      const settle = (exit: ProcessExit): void => {
        if (this.exit !== undefined) return;
        live.delete(this);
        this.exit = exit;
        resolveExited(exit);
      };
      child.once('exit', (code, signal) => settle({ code, signal }));
      child.once('error', (error) => settle({ code: null, signal: null, spawnError: error.message }));
    });
  }

  static launch(request: LaunchRequest): LaunchedProcess {
    return new LaunchedProcess(spawnWith(request), request.output);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** How it exited, or undefined while it runs. */
  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  /** `; log <file>:` and the end of its log file, for an error message; empty when its output went elsewhere. */
  logExcerpt(): string {
    if (!('file' in this.output)) return '';
    let tail: string;
    try {
      tail = readFileSync(this.output.file, 'utf8').slice(-LOG_TAIL_BYTES);
    } catch {
      tail = '(no log)';
    }
    return `; log ${this.output.file}:\n${tail}`;
  }

  /** Sends `signal` and waits for the exit; a process that outlives `patienceMs` is killed outright. */
  async stop(signal: NodeJS.Signals, patienceMs: number): Promise<ProcessExit> {
    if (this.exit !== undefined) return this.exit;
    this.child.kill(signal);
    const timer = setTimeout(() => this.killNow(), patienceMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }

  /** SIGKILL without waiting: the last resort where nothing asynchronous runs any more. */
  killNow(): void {
    if (this.exit === undefined) this.child.kill('SIGKILL');
  }
}

/** Stops every process launched here that still runs, as a Ctrl-C handler wants. */
export const stopEveryLaunchedProcess = async (signal: NodeJS.Signals, patienceMs: number): Promise<void> => {
  await Promise.all([...live].map((launched) => launched.stop(signal, patienceMs)));
};
