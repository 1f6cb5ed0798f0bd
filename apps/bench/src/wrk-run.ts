// Runs one workload with wrk, a C generator whose own CPU cost per request is small and the
// same whichever system it loads: one thread per member (so the connections spread evenly),
// the request shapes in lua/wrk-kv.lua, and the script's report read back as a run summary.
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './flag-values.js';
import type { LoadSpec } from './load-spec.js';
import type { RunSummary } from './run-summary.js';
import { parseWrkReport, summarizeWrkReport } from './wrk-report.js';

export const WRK_SCRIPT_PATH = fileURLToPath(new URL('../lua/wrk-kv.lua', import.meta.url));

/** wrk's output is a few lines; a megabyte means something else went wrong. */
const MAX_OUTPUT_BYTES = 1 << 20;

export interface WrkRun {
  readonly wrkPath: string;
  /** The load as the bench's own generator would describe it; `clients` are wrk's connections. */
  readonly spec: LoadSpec;
  readonly op: 'read' | 'write';
  readonly durationS: number;
}

/** One wrk thread per member, as many as there are connections to share among them. */
export function wrkThreads(connections: number, members: readonly Endpoint[]): number {
  if (connections % Math.min(connections, members.length) !== 0) {
    throw new RangeError(`${connections} connections do not spread evenly over ${members.length} members`);
  }
  return Math.min(connections, members.length);
}

let clockTicksPerS: number | undefined;

/** The kernel's clock tick, in which /proc reports CPU time. */
function clockTicks(): number {
  clockTicksPerS ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return clockTicksPerS;
}

export async function runWrk(run: WrkRun): Promise<RunSummary> {
  const { spec } = run;
  const [first] = spec.endpoints;
  if (first === undefined) throw new RangeError('wrk needs at least one member');
  const threads = wrkThreads(spec.clients, spec.endpoints);
  const args = [
    `--threads=${threads}`,
    `--connections=${spec.clients}`,
    `--duration=${Math.max(1, Math.round(run.durationS))}s`,
    `--timeout=${Math.ceil(spec.requestTimeoutMs / 1000)}s`,
    `--script=${WRK_SCRIPT_PATH}`,
    `http://${first.host}:${first.port}/`,
  ];
  const env = {
    ...process.env,
    WRK_TARGET: spec.target,
    WRK_OP: run.op === 'write' ? 'put' : 'get',
    WRK_MEMBERS: spec.endpoints.map((endpoint) => `${endpoint.host}:${endpoint.port}`).join(','),
    WRK_KEY_SPACE: String(spec.keySpace),
    WRK_KEY_BYTES: String(spec.keySizeBytes),
    WRK_VALUE_BYTES: String(spec.valueSizeBytes),
    WRK_SEED: String(spec.seed),
  };
  const output = await new Promise<string>((resolve, reject) => {
    execFile(run.wrkPath, args, { env, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`wrk failed: ${error.message}\n${stderr}${stdout}`));
      else resolve(stdout);
    });
  });
  return summarizeWrkReport(parseWrkReport(output), spec, run.op, clockTicks());
}
