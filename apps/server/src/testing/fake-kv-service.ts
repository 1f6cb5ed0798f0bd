import type {
  Committed,
  KeyValue,
  KvCommand,
  KvResult,
  KvService,
  NodeStatus,
  ReadConsistency,
  ScanResult,
} from '@flotilla/multiraft';
import { groupId, nodeId, Role } from '@flotilla/raft';

export type FakeCall =
  | { readonly method: 'execute' | 'executeHere'; readonly command: KvCommand }
  | { readonly method: 'get'; readonly key: Uint8Array; readonly consistency: ReadConsistency }
  | { readonly method: 'scan'; readonly prefix: Uint8Array; readonly limit: number; readonly consistency: ReadConsistency };

const GROUP = groupId(1);
const TERM = 1;

const compareBytes = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b);
const hasPrefix = (key: Uint8Array, prefix: Uint8Array): boolean =>
  key.byteLength >= prefix.byteLength && compareBytes(key.subarray(0, prefix.byteLength), prefix) === 0;

export interface FakeKvServiceOptions {
  /** Off for load runs: a call log grown per request would skew a profile of the server. */
  readonly recordCalls?: boolean;
}

/**
 * An in-memory KvService for the server's tests: one shard, one revision counter, the real
 * compare-and-swap rules. It records every call (unless told not to), so a test can prove a
 * rejected request never reached it, and fails the next call on demand.
 */
export class FakeKvService implements KvService {
  readonly calls: FakeCall[] = [];
  ready = true;
  private readonly recordCalls: boolean;
  private readonly entries = new Map<string, KeyValue>();
  private revision = 0;
  private logIndex = 0;
  private readonly scriptedFailures: Error[] = [];

  constructor(options: FakeKvServiceOptions = {}) {
    this.recordCalls = options.recordCalls ?? true;
  }

  /** The next service call throws `error` instead of doing anything. */
  failNext(error: Error): void {
    this.scriptedFailures.push(error);
  }

  /** Seeds a key directly, as if an earlier client had written it. */
  seed(key: string | Uint8Array, value: string | Uint8Array): KeyValue {
    const result = this.apply({ op: 'put', key: bytes(key), value: bytes(value) });
    if (result.op !== 'put' || !result.succeeded) throw new Error('seeding an unconditional put cannot fail');
    return this.lookup(bytes(key)) as KeyValue;
  }

  lookup(key: Uint8Array): KeyValue | undefined {
    return this.entries.get(Buffer.from(key).toString('hex'));
  }

  get size(): number {
    return this.entries.size;
  }

  async execute(command: KvCommand): Promise<Committed> {
    this.record({ method: 'execute', command });
    return this.commit(command);
  }

  async executeHere(command: KvCommand): Promise<Committed> {
    this.record({ method: 'executeHere', command });
    return this.commit(command);
  }

  async get(key: Uint8Array, consistency: ReadConsistency): Promise<KeyValue | undefined> {
    this.record({ method: 'get', key, consistency });
    this.throwScriptedFailure();
    return this.lookup(key);
  }

  async scan(prefix: Uint8Array, limit: number, consistency: ReadConsistency): Promise<ScanResult> {
    this.record({ method: 'scan', prefix, limit, consistency });
    this.throwScriptedFailure();
    const matching = [...this.entries.values()]
      .filter((entry) => hasPrefix(entry.key, prefix))
      .sort((a, b) => compareBytes(a.key, b.key));
    return { items: matching.slice(0, limit), more: matching.length > limit };
  }

  status(): NodeStatus {
    return {
      node: nodeId(1),
      groups: [
        {
          group: GROUP,
          range: { start: '0', end: '18446744073709551616' },
          role: Role.LEADER,
          term: TERM,
          leader: nodeId(1),
          commitIndex: this.logIndex,
          appliedIndex: this.logIndex,
          firstIndex: 1,
          lastIndex: this.logIndex,
          snapshotIndex: 0,
          snapshotsTaken: 0,
          compactions: 0,
          snapshotsInstalled: 0,
          quiesced: false,
          voters: [nodeId(1), nodeId(2), nodeId(3)],
          learners: [],
        },
      ],
    };
  }

  isReady(): boolean {
    return this.ready;
  }

  private record(call: FakeCall): void {
    if (this.recordCalls) this.calls.push(call);
  }

  private throwScriptedFailure(): void {
    const failure = this.scriptedFailures.shift();
    if (failure !== undefined) throw failure;
  }

  private commit(command: KvCommand): Committed {
    this.throwScriptedFailure();
    const result = this.apply(command);
    this.logIndex++;
    return { group: GROUP, logIndex: this.logIndex, term: TERM, result };
  }

  private apply(command: KvCommand): KvResult {
    const id = Buffer.from(command.key).toString('hex');
    const existing = this.entries.get(id);
    const currentRevision = existing?.modRevision ?? 0;
    if (command.ifRevision !== undefined && command.ifRevision !== currentRevision) {
      return { op: command.op, succeeded: false, currentRevision };
    }
    if (command.op === 'delete') {
      if (existing === undefined) return { op: 'delete', succeeded: true, deleted: false, revision: this.revision };
      this.revision++;
      this.entries.delete(id);
      return { op: 'delete', succeeded: true, deleted: true, revision: this.revision };
    }
    this.revision++;
    const stored: KeyValue = {
      key: command.key.slice(),
      value: command.value.slice(),
      createRevision: existing?.createRevision ?? this.revision,
      modRevision: this.revision,
      version: (existing?.version ?? 0) + 1,
    };
    this.entries.set(id, stored);
    return {
      op: 'put',
      succeeded: true,
      revision: this.revision,
      createRevision: stored.createRevision,
      modRevision: stored.modRevision,
      version: stored.version,
    };
  }
}

export const bytes = (value: string | Uint8Array): Uint8Array =>
  typeof value === 'string' ? new TextEncoder().encode(value) : value;
