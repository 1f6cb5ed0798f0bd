import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeExit, flotillaMembers, freeLoopbackPorts, loopbackNodes, peerAddressOf, ProcessCluster } from '@flotilla/server/launcher';
import type { FlotillaMember, FlotillaNode, FlotillaSettings, ProcessExit } from '@flotilla/server/launcher';
import { OutputTail } from './output-tail.js';

const READY_TIMEOUT_MS = 60_000;
/** A graceful stop hands leaderships over and flushes; past this it is killed. */
const TERMINATE_PATIENCE_MS = 35_000;
const KILL_PATIENCE_MS = 10_000;
/** Long enough not to draw the server's weak-secret warning into every log. */
const CLUSTER_SECRET = 'flotilla-cluster-tests-only-secret';

export interface ClusterOptions extends FlotillaSettings {
  readonly nodeCount?: number;
  readonly shards: number;
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

export interface ClusterNode extends FlotillaNode {
  readonly clientUrl: string;
}

const asClusterNode = ({ node, clientUrl }: FlotillaMember): ClusterNode => ({ ...node, clientUrl });

/** Real server processes on loopback, each with its own data directory under the OS temp dir. */
export class LocalCluster {
  readonly nodes: readonly ClusterNode[];
  private readonly processes: ProcessCluster<FlotillaMember>;
  private readonly outputs = new Map<number, OutputTail>();
  private readonly starts = new Map<number, number>();

  private constructor(
    nodes: readonly FlotillaNode[],
    private readonly baseDir: string,
    options: ClusterOptions,
  ) {
    for (const node of nodes) this.outputs.set(node.id, new OutputTail());
    const { nodeCount: _nodeCount, ...settings } = { ...DEFAULTS, ...options };
    this.processes = new ProcessCluster(
      flotillaMembers({
        nodes,
        settings,
        clusterSecret: CLUSTER_SECRET,
        outputOf: (node) => {
          const output = this.outputs.get(node.id) as OutputTail;
          const label = { stdout: `n${node.id} out| `, stderr: `n${node.id} err| ` };
          return { onLine: (line, stream) => output.append(`${label[stream]}${line}`) };
        },
      }),
    );
    this.nodes = this.processes.members.map(asClusterNode);
  }

  /** Allocates ports and directories; starts nothing. */
  static async create(options: ClusterOptions): Promise<LocalCluster> {
    const nodeCount = options.nodeCount ?? DEFAULTS.nodeCount;
    const ports = await freeLoopbackPorts(2 * nodeCount);
    const baseDir = await mkdtemp(join(tmpdir(), 'flotilla-cluster-'));
    return new LocalCluster(loopbackNodes(ports, (id) => join(baseDir, `node${id}`)), baseDir, options);
  }

  node(id: number): ClusterNode {
    return asClusterNode(this.processes.member(id));
  }

  url(id: number): string {
    return this.node(id).clientUrl;
  }

  isRunning(id: number): boolean {
    return this.processes.isRunning(id);
  }

  runningIds(): number[] {
    return this.processes.runningIds();
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
    const start = (this.starts.get(id) ?? 0) + 1;
    this.starts.set(id, start);
    this.outputs.get(id)?.append(`---- node ${id} start #${start} at ${new Date().toISOString()} ----`);
    this.processes.start(id);
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
    await this.processes.waitReady(ids, timeoutMs);
  }

  /** Log lines of one node (all its runs) that contain `text`. */
  logLinesContaining(id: number, text: string): string[] {
    return this.outputs.get(id)?.linesContaining(text) ?? [];
  }

  /** Where every node listens, how it ended, and the tail of its output: what a failed test prints. */
  describe(): string {
    return this.nodes
      .map((node) => {
        const server = this.processes.process(node.id);
        const exit = server?.exitStatus;
        const state =
          server === undefined ? 'never started' : exit === undefined ? `running (pid ${server.pid})` : `exited (${describeExit(exit)})`;
        const header = `==== node ${node.id}: client ${node.clientUrl}, peer ${peerAddressOf(node)}, data ${node.dataDir}, ${state} ====`;
        return `${header}\n${this.outputs.get(node.id)?.toString() ?? ''}`;
      })
      .join('\n');
  }

  /** Kills every node and removes the data directories. Safe to call more than once. */
  async destroy(): Promise<void> {
    await this.processes.stopAll('SIGKILL', KILL_PATIENCE_MS);
    await rm(this.baseDir, { recursive: true, force: true });
  }

  private async stopWith(id: number, signal: NodeJS.Signals, patienceMs: number): Promise<ProcessExit> {
    this.outputs.get(id)?.append(`---- node ${id}: ${signal} at ${new Date().toISOString()} ----`);
    return this.processes.stop(id, signal, patienceMs);
  }
}
