import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freeLoopbackPorts } from './free-port.js';
import { getPath } from './kv-api.js';
import { OutputTail } from './output-tail.js';
import { pollUntil } from './poll.js';
import { serverScriptPath } from './server-script.js';
import { ServerProcess } from './server-process.js';
import type { ProcessExit } from './server-process.js';

const HOST = '127.0.0.1';
const READY_TIMEOUT_MS = 60_000;
/** A graceful stop hands leaderships over and flushes; past this it is killed. */
const TERMINATE_PATIENCE_MS = 35_000;
const KILL_PATIENCE_MS = 10_000;
const READY_PROBE_TIMEOUT_MS = 1_000;
/** Long enough not to draw the server's weak-secret warning into every log. */
const CLUSTER_SECRET = 'flotilla-cluster-tests-only-secret';

export interface ClusterOptions {
  readonly nodeCount?: number;
  readonly shards: number;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly snapshotEntries?: number;
  readonly requestTimeoutMs?: number;
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
}

// Short ticks keep elections, and so the whole project, fast on a 2-core machine; 20 ticks of
// slack on a shared machine keep a loaded node from losing its leadership for nothing.
const DEFAULTS = {
  nodeCount: 3,
  tickMs: 50,
  electionTicks: 20,
  heartbeatTicks: 2,
  requestTimeoutMs: 4_000,
  logLevel: 'warn',
} as const;

export interface ClusterNode {
  readonly id: number;
  readonly clientUrl: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
}

/** Real server processes on loopback, each with its own data directory under the OS temp dir. */
export class LocalCluster {
  private readonly processes = new Map<number, ServerProcess>();
  private readonly outputs = new Map<number, OutputTail>();
  private readonly starts = new Map<number, number>();

  private constructor(
    readonly nodes: readonly ClusterNode[],
    private readonly baseDir: string,
    private readonly options: ClusterOptions,
  ) {
    for (const node of nodes) this.outputs.set(node.id, new OutputTail());
  }

  /** Allocates ports and directories; starts nothing. */
  static async create(options: ClusterOptions): Promise<LocalCluster> {
    const nodeCount = options.nodeCount ?? DEFAULTS.nodeCount;
    const ports = await freeLoopbackPorts(2 * nodeCount);
    const baseDir = await mkdtemp(join(tmpdir(), 'flotilla-cluster-'));
    const nodes = Array.from({ length: nodeCount }, (_, index): ClusterNode => {
      const clientPort = ports[2 * index] as number;
      return {
        id: index + 1,
        clientUrl: `http://${HOST}:${clientPort}`,
        clientPort,
        peerPort: ports[2 * index + 1] as number,
        dataDir: join(baseDir, `node${index + 1}`),
      };
    });
    return new LocalCluster(nodes, baseDir, options);
  }

  node(id: number): ClusterNode {
    const node = this.nodes.find((candidate) => candidate.id === id);
    if (node === undefined) throw new Error(`the cluster has no node ${id}`);
    return node;
  }

  url(id: number): string {
    return this.node(id).clientUrl;
  }

  isRunning(id: number): boolean {
    const server = this.processes.get(id);
    return server !== undefined && server.exitStatus === undefined;
  }

  runningIds(): number[] {
    return this.nodes.map((node) => node.id).filter((id) => this.isRunning(id));
  }

  /** Starts every node and waits until each answers /readyz. */
  async startAll(): Promise<void> {
    for (const node of this.nodes) this.spawn(node.id);
    await this.waitReady(this.nodes.map((node) => node.id));
  }

  /** Starts a stopped node on its old ports and data directory and waits until it is ready. */
  async restart(id: number): Promise<void> {
    this.spawn(id);
    await this.waitReady([id]);
  }

  /** Starts a stopped node without waiting for it. */
  spawn(id: number): void {
    if (this.isRunning(id)) throw new Error(`node ${id} is already running`);
    const node = this.node(id);
    const output = this.outputs.get(id) as OutputTail;
    const start = (this.starts.get(id) ?? 0) + 1;
    this.starts.set(id, start);
    output.append(`---- node ${id} start #${start} at ${new Date().toISOString()} ----`);
    this.processes.set(id, ServerProcess.spawn(serverScriptPath(), this.serverArgs(node), output, `n${id}`));
  }

  /** kill -9: no shutdown, no flush beyond what the node already synced. */
  async kill(id: number): Promise<ProcessExit> {
    return this.stopWith(id, 'SIGKILL', KILL_PATIENCE_MS);
  }

  /** A graceful stop (SIGTERM), as an operator's restart would do. */
  async terminate(id: number): Promise<ProcessExit> {
    return this.stopWith(id, 'SIGTERM', TERMINATE_PATIENCE_MS);
  }

  /** Waits until every node of `ids` answers /readyz with 200; fails at once if one exits. */
  async waitReady(ids: readonly number[], timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const verdict = await pollUntil(
      `nodes ${ids.join(', ')} to be ready`,
      async () => {
        const exited = ids.find((id) => !this.isRunning(id));
        if (exited !== undefined) return { exited };
        const ready = await Promise.all(
          ids.map(async (id) => {
            const outcome = await getPath(this.url(id), '/readyz', READY_PROBE_TIMEOUT_MS);
            return outcome.kind === 'response' && outcome.status === 200;
          }),
        );
        return ready.every(Boolean) ? { exited: undefined } : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
    if (verdict.exited !== undefined) {
      const exit = this.processes.get(verdict.exited)?.exitStatus;
      throw new Error(`node ${verdict.exited} exited before it was ready (code ${exit?.code}, signal ${exit?.signal})`);
    }
  }

  /** Log lines of one node (all its runs) that contain `text`. */
  logLinesContaining(id: number, text: string): string[] {
    return this.outputs.get(id)?.linesContaining(text) ?? [];
  }

  /** Where every node listens, how it ended, and the tail of its output: what a failed test prints. */
  describe(): string {
    return this.nodes
      .map((node) => {
        const server = this.processes.get(node.id);
        const exit = server?.exitStatus;
        const state =
          server === undefined ? 'never started' : exit === undefined ? `running (pid ${server.pid})` : `exited (code ${exit.code}, signal ${exit.signal})`;
        const header = `==== node ${node.id}: client ${node.clientUrl}, peer ${HOST}:${node.peerPort}, data ${node.dataDir}, ${state} ====`;
        return `${header}\n${this.outputs.get(node.id)?.toString() ?? ''}`;
      })
      .join('\n');
  }

  /** Kills every node and removes the data directories. Safe to call more than once. */
  async destroy(): Promise<void> {
    await Promise.all(this.runningIds().map((id) => this.kill(id)));
    await rm(this.baseDir, { recursive: true, force: true });
  }

  private async stopWith(id: number, signal: NodeJS.Signals, patienceMs: number): Promise<ProcessExit> {
    const server = this.processes.get(id);
    if (server === undefined) throw new Error(`node ${id} was never started`);
    this.outputs.get(id)?.append(`---- node ${id}: ${signal} at ${new Date().toISOString()} ----`);
    return server.stop(signal, patienceMs);
  }

  private serverArgs(node: ClusterNode): string[] {
    const options = { ...DEFAULTS, ...this.options };
    const peers = this.nodes.map((peer) => `${peer.id}=${HOST}:${peer.peerPort}`).join(',');
    return [
      `--id=${node.id}`,
      `--listen=${HOST}:${node.clientPort}`,
      `--peer-listen=${HOST}:${node.peerPort}`,
      `--peers=${peers}`,
      `--data-dir=${node.dataDir}`,
      `--cluster-secret=${CLUSTER_SECRET}`,
      `--shards=${options.shards}`,
      `--tick-ms=${options.tickMs}`,
      `--election-ticks=${options.electionTicks}`,
      `--heartbeat-ticks=${options.heartbeatTicks}`,
      `--request-timeout-ms=${options.requestTimeoutMs}`,
      `--log-level=${options.logLevel}`,
      ...(options.snapshotEntries === undefined ? [] : [`--snapshot-entries=${options.snapshotEntries}`]),
    ];
  }
}
