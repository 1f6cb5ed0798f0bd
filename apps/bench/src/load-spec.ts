// What one load run does: the vocabulary shared by the CLI parser, the driver and compare.
import type { Endpoint } from './flag-values.js';

export type TargetKind = 'flotilla' | 'etcd';
export const TARGET_KINDS: readonly TargetKind[] = ['flotilla', 'etcd'];

export type ReadConsistency =
  | { readonly mode: 'linearizable' }
  | { readonly mode: 'stale' }
  | { readonly mode: 'bounded'; readonly maxStalenessMs: number };

export type StopCondition =
  | { readonly kind: 'total'; readonly requests: number }
  | { readonly kind: 'duration'; readonly durationS: number };

export interface LoadSpec {
  readonly target: TargetKind;
  /** Logical client `i` talks to endpoint `i mod endpoints.length`. */
  readonly endpoints: readonly Endpoint[];
  /** Concurrent logical clients, each with one request in flight at a time. */
  readonly clients: number;
  /** Keep-alive sockets per endpoint. */
  readonly connsPerEndpoint: number;
  /** Counted after the warmup. */
  readonly stop: StopCondition;
  readonly warmupS: number;
  readonly keySizeBytes: number;
  readonly valueSizeBytes: number;
  /** Keys are drawn from `keySpace` distinct keys. */
  readonly keySpace: number;
  /** Keys 0, 1, 2, ... shared by all clients, instead of seeded random choice. */
  readonly sequentialKeys: boolean;
  /** Fraction of requests that are reads, 0..1. */
  readonly readRatio: number;
  readonly consistency: ReadConsistency;
  readonly seed: number;
  readonly requestTimeoutMs: number;
}
