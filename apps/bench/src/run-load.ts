// The closed-loop load driver: `clients` logical clients, each with one request in flight,
// over keep-alive agents (`connsPerEndpoint` sockets per endpoint). Requests started during
// the warmup are sent but not counted; the measured window ends when the last client stops.
import { Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Xoshiro128 } from '@flotilla/raft';
import type { Endpoint } from './flag-values.js';
import { sendRequest } from './http-send.js';
import type { HttpReply } from './http-send.js';
import { createKeyChooser, KeySequence } from './keys.js';
import type { LoadSpec } from './load-spec.js';
import { OpStats } from './op-stats.js';
import { resolveRedirect } from './redirect.js';
import { createTargetProtocol } from './target.js';
import type { HttpRequestSpec, OpKind, TargetProtocol } from './target-protocol.js';

// A server that asks for Retry-After is obeyed, but a long ask would stall a client past
// the end of the run, so the pause is capped.
const MAX_RETRY_AFTER_PAUSE_MS = 1000;

export interface LoadProgress {
  readonly phase: 'warmup' | 'measure';
  /** Seconds since the start of the current phase. */
  readonly phaseElapsedS: number;
  /** Done fraction of the measured phase, 0..1 (0 during warmup). */
  readonly fraction: number;
  readonly answered: number;
  readonly errors: number;
}

export interface LoadRun {
  readonly spec: LoadSpec;
  /** Measured window: from the end of the warmup until the last client stopped. */
  readonly elapsedS: number;
  readonly reads: OpStats;
  readonly writes: OpStats;
  /** CPU this process used during the measured window, in % of one core. */
  readonly generatorCpuPercent: number;
}

export interface RunLoadOptions {
  readonly onProgress?: (progress: LoadProgress) => void;
  readonly progressIntervalMs?: number;
}

const endpointKey = (endpoint: Endpoint): string => `${endpoint.host}:${endpoint.port}`;

class LoadRunner {
  private readonly protocol: TargetProtocol;
  private readonly agents = new Map<string, Agent>();
  private readonly sequence: KeySequence | undefined;
  readonly reads = new OpStats();
  readonly writes = new OpStats();
  private readonly startMs: number;
  private readonly measureStartMs: number;
  private measuredRequestsIssued = 0;
  private aborted = false;

  constructor(private readonly spec: LoadSpec, startMs: number) {
    this.protocol = createTargetProtocol(spec);
    this.sequence = spec.sequentialKeys ? new KeySequence(spec.keySpace) : undefined;
    this.startMs = startMs;
    this.measureStartMs = startMs + spec.warmupS * 1000;
  }

  get measureStart(): number {
    return this.measureStartMs;
  }

  progress(nowMs: number): LoadProgress {
    const answered = this.reads.answered + this.writes.answered;
    const errors = this.reads.errorCount + this.writes.errorCount;
    if (nowMs < this.measureStartMs) {
      return { phase: 'warmup', phaseElapsedS: (nowMs - this.startMs) / 1000, fraction: 0, answered, errors };
    }
    const measuredS = (nowMs - this.measureStartMs) / 1000;
    const stop = this.spec.stop;
    const fraction = stop.kind === 'total' ? (answered + errors) / stop.requests : measuredS / stop.durationS;
    return { phase: 'measure', phaseElapsedS: measuredS, fraction: Math.min(1, fraction), answered, errors };
  }

  /** `random` is this client's own stream, so the interleaving of clients does not change its keys. */
  async runClient(clientIndex: number, random: Xoshiro128): Promise<void> {
    const chooseKey = createKeyChooser(this.spec.keySpace, this.spec.keySizeBytes, random, this.sequence);
    const endpoint = this.spec.endpoints[clientIndex % this.spec.endpoints.length]!;
    try {
      for (;;) {
        const startMs = performance.now();
        const measured = startMs >= this.measureStartMs;
        if (this.aborted || (measured && !this.claimMeasuredRequest(startMs))) return;
        const op: OpKind = this.spec.readRatio > 0 && random.chance(this.spec.readRatio) ? 'read' : 'write';
        const key = chooseKey();
        const request = op === 'read' ? this.protocol.readRequest(key) : this.protocol.writeRequest(key);
        const stats = op === 'read' ? this.reads : this.writes;
        const reply = await this.send(endpoint, request, op, measured ? stats : undefined);
        const latencyUs = (performance.now() - startMs) * 1000;
        if (measured) this.record(stats, op, reply, latencyUs);
        if (reply.kind === 'response' && (reply.status === 429 || reply.status === 503) && reply.retryAfterS !== undefined) {
          await sleep(Math.min(reply.retryAfterS * 1000, MAX_RETRY_AFTER_PAUSE_MS));
        }
      }
    } catch (error) {
      this.aborted = true;
      throw error;
    }
  }

  destroy(): void {
    for (const agent of this.agents.values()) agent.destroy();
  }

  private claimMeasuredRequest(startMs: number): boolean {
    const stop = this.spec.stop;
    if (stop.kind === 'duration') return startMs < this.measureStartMs + stop.durationS * 1000;
    if (this.measuredRequestsIssued >= stop.requests) return false;
    this.measuredRequestsIssued += 1;
    return true;
  }

  private agentFor(endpoint: Endpoint): Agent {
    const key = endpointKey(endpoint);
    let agent = this.agents.get(key);
    if (agent === undefined) {
      const sockets = this.spec.connsPerEndpoint;
      agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
      this.agents.set(key, agent);
    }
    return agent;
  }

  /** Sends, and follows one 503 + Location hop to the leader it names. */
  private async send(endpoint: Endpoint, request: HttpRequestSpec, op: OpKind, stats: OpStats | undefined): Promise<HttpReply> {
    const wantsBody = (status: number) => this.protocol.needsBody(op, status);
    const timeoutMs = this.spec.requestTimeoutMs;
    const reply = await sendRequest(this.agentFor(endpoint), endpoint, request, timeoutMs, wantsBody);
    if (reply.kind !== 'response' || reply.status !== 503 || reply.location === undefined) return reply;
    const redirect = resolveRedirect(reply.location, request.path);
    if (redirect === undefined) return reply;
    if (stats !== undefined) stats.redirects += 1;
    return sendRequest(this.agentFor(redirect.endpoint), redirect.endpoint, { ...request, path: redirect.path }, timeoutMs, wantsBody);
  }

  private record(stats: OpStats, op: OpKind, reply: HttpReply, latencyUs: number): void {
    if (reply.kind === 'timeout') {
      stats.recordError('timeout');
    } else if (reply.kind === 'connection') {
      stats.recordError(`connection ${reply.code}`);
    } else {
      const outcome = this.protocol.classify(op, reply.status, reply.body);
      if (outcome.kind === 'error') stats.recordError(outcome.label);
      else stats.recordAnswer(outcome.kind, latencyUs);
    }
  }
}

export async function runLoad(spec: LoadSpec, options: RunLoadOptions = {}): Promise<LoadRun> {
  const runner = new LoadRunner(spec, performance.now());
  let cpuAtMeasureStart = process.cpuUsage();
  const cpuTimer = setTimeout(() => {
    cpuAtMeasureStart = process.cpuUsage();
  }, spec.warmupS * 1000);
  const { onProgress } = options;
  const progressTimer =
    onProgress === undefined ? undefined : setInterval(() => onProgress(runner.progress(performance.now())), options.progressIntervalMs ?? 1000);
  try {
    // Key choice replays exactly from the seed: client i always gets the i-th fork.
    const seeded = new Xoshiro128(spec.seed);
    await Promise.all(Array.from({ length: spec.clients }, (_, clientIndex) => runner.runClient(clientIndex, seeded.fork())));
  } finally {
    clearTimeout(cpuTimer);
    if (progressTimer !== undefined) clearInterval(progressTimer);
    runner.destroy();
  }
  const elapsedS = Math.max(0, (performance.now() - runner.measureStart) / 1000);
  const cpu = process.cpuUsage(cpuAtMeasureStart);
  const generatorCpuPercent = elapsedS > 0 ? ((cpu.user + cpu.system) / 1e6 / elapsedS) * 100 : 0;
  onProgress?.(runner.progress(performance.now()));
  return { spec, elapsedS, reads: runner.reads, writes: runner.writes, generatorCpuPercent };
}
