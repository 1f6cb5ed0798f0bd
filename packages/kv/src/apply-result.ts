import type { KvErrorCode } from './kv-input-error.js';

export interface PutResult {
  readonly op: 'put';
  readonly succeeded: true;
  /** The shard's revision after this put (equal to `modRevision`). */
  readonly revision: number;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  /** The key's mod revision before this put, when it existed. */
  readonly prevModRevision?: number;
}

export interface DeleteResult {
  readonly op: 'delete';
  readonly succeeded: true;
  /** False when the key was absent; the revision is then unchanged. */
  readonly deleted: boolean;
  /** The shard's revision after this delete. */
  readonly revision: number;
}

/** `ifRevision` did not match; nothing changed. */
export interface CompareFailedResult {
  readonly succeeded: false;
  readonly code: 'compare_failed';
  /** The key's mod revision, 0 when absent. */
  readonly currentRevision: number;
  /** The shard's (unchanged) revision. */
  readonly revision: number;
}

/** The committed command was malformed or over a limit; nothing changed, on every replica alike. */
export interface RejectedResult {
  readonly succeeded: false;
  readonly code: KvErrorCode;
  readonly message: string;
  readonly revision: number;
}

export type ApplyResult = PutResult | DeleteResult | CompareFailedResult | RejectedResult;

/**
 * A write the host adds to its apply batch, under the user-data key `0x02 hash key`. `key` is a
 * view into the applied command's bytes; `record` is freshly allocated.
 */
export type Mutation =
  | { readonly kind: 'put'; readonly hash: bigint; readonly key: Uint8Array; readonly record: Uint8Array }
  | { readonly kind: 'delete'; readonly hash: bigint; readonly key: Uint8Array };

export interface ApplyOutcome {
  readonly result: ApplyResult;
  readonly mutations: readonly Mutation[];
}
