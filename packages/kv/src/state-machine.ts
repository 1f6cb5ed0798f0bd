import type { ApplyOutcome, ApplyResult, CompareFailedResult } from './apply-result.js';
import { decodeCommand } from './command.js';
import type { DeleteCommand, PutCommand } from './command.js';
import { CorruptStateError } from './corrupt-state-error.js';
import { KeyIndex } from './key-index.js';
import type { KeyMeta } from './key-index.js';
import type { KeyHasher } from './keyspace/key-hasher.js';
import { KvInputError } from './kv-input-error.js';
import { MAX_KEY_BYTES } from './limits.js';
import { decodeStateBlob, encodeStateBlob } from './state-blob.js';
import { decodeValueRecord, encodeValueRecord } from './value-record.js';

/** A key and its stored record, as the host scans them from storage to rebuild the index. */
export interface StoredRecord {
  readonly key: Uint8Array;
  readonly record: Uint8Array;
}

/** Where `applyCommand` puts its writes: the host's apply batch. */
export interface MutationSink {
  putUserRecord(hash: bigint, key: Uint8Array, record: Uint8Array): unknown;
  deleteUserRecord(hash: bigint, key: Uint8Array): unknown;
}

/**
 * One shard's key-value state machine. Synchronous and deterministic: `apply` depends only on
 * the state and the command, so every replica computes the same results and mutations. It
 * keeps only metadata in memory; the host writes the returned mutations and `stateBlob()` in
 * the same batch as the applied index, and serves reads from storage.
 */
export class KvStateMachine {
  readonly #hasher: KeyHasher;
  #index = new KeyIndex();
  #revision = 0;
  #appliedIndex = 0;

  constructor(hasher: KeyHasher) {
    this.#hasher = hasher;
  }

  /** The shard's revision: bumped by one by every put and every delete that removes a key. */
  get revision(): number {
    return this.#revision;
  }

  /** Index of the last entry handed to `apply` (or restored). */
  get appliedIndex(): number {
    return this.#appliedIndex;
  }

  /** Key count and key + value bytes, for status. */
  get size(): { readonly keys: number; readonly bytes: number } {
    return { keys: this.#index.keyCount, bytes: this.#index.bytes };
  }

  getMeta(key: Uint8Array): KeyMeta | undefined {
    return this.#index.get(key);
  }

  /**
   * Applies the committed COMMAND entry at `entryIndex`. A malformed or over-limit command yields
   * an error result and no mutation. Throws only on a broken invariant (an index that does not
   * move forward), since that means the host applied out of order.
   */
  apply(command: Uint8Array, entryIndex: number): ApplyOutcome {
    if (!Number.isSafeInteger(entryIndex) || entryIndex <= this.#appliedIndex) {
      throw new Error(`apply: entry index ${entryIndex} does not follow applied index ${this.#appliedIndex}`);
    }
    this.#appliedIndex = entryIndex;
    let decoded: PutCommand | DeleteCommand;
    try {
      decoded = decodeCommand(command);
    } catch (error) {
      if (!(error instanceof KvInputError)) throw error;
      return { result: { succeeded: false, code: error.code, message: error.message, revision: this.#revision }, mutations: [] };
    }
    return decoded.op === 'put' ? this.#put(decoded) : this.#delete(decoded);
  }

  /** `apply`, with the mutations written into the host's batch: the host's view of a state machine. */
  applyCommand(command: Uint8Array, entryIndex: number, sink: MutationSink): ApplyResult {
    const { result, mutations } = this.apply(command, entryIndex);
    for (const mutation of mutations) {
      if (mutation.kind === 'put') sink.putUserRecord(mutation.hash, mutation.key, mutation.record);
      else sink.deleteUserRecord(mutation.hash, mutation.key);
    }
    return result;
  }

  /** A digest of the revision and every key's meta, equal on replicas that applied the same commands. */
  digest(): number {
    return this.#index.digest(this.#revision);
  }

  /** The state beyond the records; the host stores it with every apply batch and snapshot. */
  stateBlob(): Uint8Array {
    return encodeStateBlob({ revision: this.#revision, appliedIndex: this.#appliedIndex });
  }

  /**
   * Replaces the state with a stored one (after a restart or a snapshot install): the blob and
   * every record of the shard. All or nothing: on a throw the previous state stays. Throws
   * `CorruptStateError` for records the machine could not have written, and `Error` when the
   * stored state is older than the current one (revisions never go backwards).
   */
  async restore(stateBlob: Uint8Array, records: AsyncIterable<StoredRecord> | Iterable<StoredRecord>): Promise<void> {
    const state = decodeStateBlob(stateBlob);
    if (state.revision < this.#revision || state.appliedIndex < this.#appliedIndex) {
      throw new Error(
        `restore: stored state (revision ${state.revision}, applied ${state.appliedIndex}) is older than ` +
          `the current one (revision ${this.#revision}, applied ${this.#appliedIndex})`,
      );
    }
    const index = new KeyIndex();
    // Streamed: only each key's meta is kept, never the values of a whole shard at once.
    for await (const { key, record } of records) {
      if (key.byteLength === 0 || key.byteLength > MAX_KEY_BYTES) {
        throw new CorruptStateError(`restore: stored key of ${key.byteLength} bytes`);
      }
      if (index.get(key) !== undefined) throw new CorruptStateError('restore: a key is stored twice');
      const { createRevision, modRevision, version, value } = decodeValueRecord(record);
      if (modRevision > state.revision) {
        throw new CorruptStateError(`restore: record mod revision ${modRevision} is above the shard's ${state.revision}`);
      }
      index.set(key, { createRevision, modRevision, version, valueBytes: value.byteLength });
    }
    this.#index = index;
    this.#revision = state.revision;
    this.#appliedIndex = state.appliedIndex;
  }

  #put(command: PutCommand): ApplyOutcome {
    const previous = this.#index.get(command.key);
    const compareFailure = this.#compare(command.ifRevision, previous);
    if (compareFailure !== undefined) return { result: compareFailure, mutations: [] };

    const revision = ++this.#revision;
    const meta: KeyMeta = {
      createRevision: previous?.createRevision ?? revision,
      modRevision: revision,
      version: (previous?.version ?? 0) + 1,
      valueBytes: command.value.byteLength,
    };
    this.#index.set(command.key, meta);
    const record = encodeValueRecord({ ...meta, value: command.value });
    const result: ApplyResult = {
      op: 'put',
      succeeded: true,
      revision,
      createRevision: meta.createRevision,
      modRevision: meta.modRevision,
      version: meta.version,
      ...(previous === undefined ? {} : { prevModRevision: previous.modRevision }),
    };
    return { result, mutations: [{ kind: 'put', hash: this.#hasher.hash(command.key), key: command.key, record }] };
  }

  #delete(command: DeleteCommand): ApplyOutcome {
    const previous = this.#index.get(command.key);
    const compareFailure = this.#compare(command.ifRevision, previous);
    if (compareFailure !== undefined) return { result: compareFailure, mutations: [] };
    if (previous === undefined) {
      return { result: { op: 'delete', succeeded: true, deleted: false, revision: this.#revision }, mutations: [] };
    }
    const revision = ++this.#revision;
    this.#index.delete(command.key);
    return {
      result: { op: 'delete', succeeded: true, deleted: true, revision },
      mutations: [{ kind: 'delete', hash: this.#hasher.hash(command.key), key: command.key }],
    };
  }

  #compare(ifRevision: number | undefined, current: KeyMeta | undefined): CompareFailedResult | undefined {
    const currentRevision = current?.modRevision ?? 0;
    if (ifRevision === undefined || ifRevision === currentRevision) return undefined;
    return { succeeded: false, code: 'compare_failed', currentRevision, revision: this.#revision };
  }
}
