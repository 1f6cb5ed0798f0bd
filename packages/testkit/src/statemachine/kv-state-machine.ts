import { decodeCommand } from './kv-command.js';
import type { ClientCommand } from './kv-command.js';
import { Hash53 } from '../util/hash53.js';

export interface WriteOutcome {
  readonly client: number;
  readonly seq: number;
  /** cas: whether it swapped; delete: whether the key was present; put: always true. */
  readonly succeeded: boolean;
}

interface SessionRecord {
  readonly seq: number;
  readonly succeeded: boolean;
}

interface SerializedKv {
  readonly data: [string, string][];
  readonly sessions: [number, number, boolean][];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The replicated key-value map of one simulated node, with at-most-once client sessions. */
export class KvStateMachine {
  private readonly data = new Map<string, string>();
  private readonly sessions = new Map<number, SessionRecord>();

  get(key: string): string | null {
    return this.data.get(key) ?? null;
  }

  /** Applies one committed command; `undefined` when it is a duplicate of one already applied. */
  applyCommand(bytes: Uint8Array): WriteOutcome | undefined {
    const command = decodeCommand(bytes);
    const session = this.sessions.get(command.client);
    if (session !== undefined && command.seq <= session.seq) return undefined;
    const succeeded = this.execute(command);
    this.sessions.set(command.client, { seq: command.seq, succeeded });
    return { client: command.client, seq: command.seq, succeeded };
  }

  private execute({ write }: ClientCommand): boolean {
    switch (write.op) {
      case 'put':
        this.data.set(write.key, write.value);
        return true;
      case 'delete':
        return this.data.delete(write.key);
      case 'cas':
        if (this.get(write.key) !== write.expected) return false;
        this.data.set(write.key, write.value);
        return true;
    }
  }

  /** Canonical bytes: equal states serialize identically, whatever order they were built in. */
  serialize(): Uint8Array {
    const state: SerializedKv = {
      data: [...this.data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      sessions: [...this.sessions]
        .map(([client, record]): [number, number, boolean] => [client, record.seq, record.succeeded])
        .sort((a, b) => a[0] - b[0]),
    };
    return encoder.encode(JSON.stringify(state));
  }

  static restore(bytes: Uint8Array): KvStateMachine {
    const machine = new KvStateMachine();
    if (bytes.length === 0) return machine;
    const state = JSON.parse(decoder.decode(bytes)) as SerializedKv;
    if (!Array.isArray(state.data) || !Array.isArray(state.sessions)) {
      throw new Error('snapshot is not a serialized key-value state');
    }
    for (const [key, value] of state.data) machine.data.set(key, value);
    for (const [client, seq, succeeded] of state.sessions) machine.sessions.set(client, { seq, succeeded });
    return machine;
  }

  stateHash(): number {
    return new Hash53().updateBytes(this.serialize()).digest();
  }
}
