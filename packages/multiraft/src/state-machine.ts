import type { WriteBatch } from '@flotilla/storage';

/** A record of the machine's range as the host reads it back from the store. */
export interface StoredRecord {
  readonly key: Uint8Array;
  readonly record: Uint8Array;
}

/**
 * What a group replicates, as the host sees it: the host orders, persists and answers; the
 * machine decides what a committed command means. Deterministic: the same commands from the
 * same state give the same results and writes on every replica. The key-value shard machine
 * (`@flotilla/kv`) is one; the placement driver will be another, on the same host.
 */
export interface StateMachine<Result> {
  /**
   * Applies the committed command at `index`: its writes go into `batch` (the turn's apply
   * batch, written with the applied index), its result to the proposer.
   */
  applyCommand(command: Uint8Array, index: number, batch: WriteBatch): Result;
  /** The state beyond its records, stored with every apply batch and snapshot. */
  stateBlob(): Uint8Array;
  /** Replaces the state with a stored one: a blob and the records of its range (restart, installed snapshot). */
  restore(stateBlob: Uint8Array, records: AsyncIterable<StoredRecord>): Promise<void>;
  /** A digest of the whole state: equal on replicas that applied the same entries (for checkers). */
  digest(): number;
}
