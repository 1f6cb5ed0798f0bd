// Every server process a bench starts, so that all of them are stopped on success, on error
// and on Ctrl-C: a benchmark must never leave a cluster running behind it.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

const DEFAULT_STOP_GRACE_MS = 5000;
const LOG_TAIL_BYTES = 4000;

export interface ManagedChild {
  readonly name: string;
  readonly logPath: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  readonly exited: Promise<string>;
  readonly hasExited: () => boolean;
}

export interface SpawnRequest {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** stdout and stderr both go here; a pipe nobody reads would stall the server. */
  readonly logPath: string;
}

export function logTail(logPath: string): string {
  try {
    const text = readFileSync(logPath, 'utf8');
    return text.slice(-LOG_TAIL_BYTES);
  } catch {
    return '(no log)';
  }
}

export class ChildGroup {
  private readonly children = new Set<ManagedChild>();

  constructor(private readonly stopGraceMs = DEFAULT_STOP_GRACE_MS) {}

  spawn(request: SpawnRequest): ManagedChild {
    const logFd = openSync(request.logPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(request.command, [...request.args], { stdio: ['ignore', logFd, logFd], env: { ...process.env, ...request.env } });
    } finally {
      closeSync(logFd);
    }
    let exitedFlag = false;
    const exited = new Promise<string>((resolve) => {
      child.once('exit', (code, signal) => {
        exitedFlag = true;
        resolve(signal ?? String(code));
      });
      child.once('error', (error) => {
        exitedFlag = true;
        resolve(`spawn failed: ${error.message}`);
      });
    });
    const managed: ManagedChild = { name: request.name, logPath: request.logPath, process: child, exited, hasExited: () => exitedFlag };
    this.children.add(managed);
    void exited.then(() => this.children.delete(managed));
    return managed;
  }

  /** SIGTERM, then SIGKILL for any that outlive the grace period. */
  async stop(children: readonly ManagedChild[] = [...this.children]): Promise<void> {
    for (const child of children) if (!child.hasExited()) child.process.kill('SIGTERM');
    await Promise.all(
      children.map(async (child) => {
        const timer = setTimeout(() => child.process.kill('SIGKILL'), this.stopGraceMs);
        await child.exited;
        clearTimeout(timer);
      }),
    );
  }

  /** The last resort on process exit, where nothing asynchronous runs any more. */
  killAllNow(): void {
    for (const child of this.children) if (!child.hasExited()) child.process.kill('SIGKILL');
  }
}
