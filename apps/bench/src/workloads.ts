// The workloads compare runs against every system, identical for each.
import type { Endpoint } from './flag-values.js';
import type { LoadSpec, TargetKind } from './load-spec.js';

export const KEY_SIZE_BYTES = 16;
export const VALUE_SIZE_BYTES = 256;
export const PUT_KEY_SPACE = 1_000_000;
/** Reads go to keys a preload pass wrote, so every read finds its key. */
export const READ_KEY_SPACE = 10_000;
const PRELOAD_CLIENTS = 64;
const REQUEST_TIMEOUT_MS = 10_000;

export interface Workload {
  readonly name: string;
  readonly clients: number;
  readonly readRatio: number;
  readonly keySpace: number;
  /** Needs the READ_KEY_SPACE keys written first. */
  readonly readsPreloadedKeys: boolean;
}

export const COMPARE_WORKLOADS: readonly Workload[] = [
  ...[1, 16, 64, 256].map((clients) => ({ name: `put c=${clients}`, clients, readRatio: 0, keySpace: PUT_KEY_SPACE, readsPreloadedKeys: false })),
  { name: 'get lin. c=64', clients: 64, readRatio: 1, keySpace: READ_KEY_SPACE, readsPreloadedKeys: true },
  { name: '90/10 get/put c=64', clients: 64, readRatio: 0.9, keySpace: READ_KEY_SPACE, readsPreloadedKeys: true },
];

export const PRELOAD_NOTE =
  `gets and the 90/10 mix read keys 0..${READ_KEY_SPACE - 1}, all written first by one sequential put pass ` +
  `(${PRELOAD_CLIENTS} clients, each key once); puts draw keys uniformly from ${PUT_KEY_SPACE.toLocaleString('en-US')}`;

interface RunShape {
  readonly target: TargetKind;
  readonly endpoints: readonly Endpoint[];
  readonly seed: number;
}

function baseSpec(shape: RunShape, clients: number): LoadSpec {
  return {
    target: shape.target,
    endpoints: shape.endpoints,
    clients,
    // One socket per client: HTTP/1.1 carries one request at a time per socket.
    connsPerEndpoint: Math.ceil(clients / shape.endpoints.length),
    stop: { kind: 'total', requests: 1 },
    warmupS: 0,
    keySizeBytes: KEY_SIZE_BYTES,
    valueSizeBytes: VALUE_SIZE_BYTES,
    keySpace: PUT_KEY_SPACE,
    sequentialKeys: false,
    readRatio: 0,
    consistency: { mode: 'linearizable' },
    seed: shape.seed,
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
  };
}

export function workloadSpec(workload: Workload, shape: RunShape, durationS: number, warmupS: number): LoadSpec {
  return {
    ...baseSpec(shape, workload.clients),
    stop: { kind: 'duration', durationS },
    warmupS,
    keySpace: workload.keySpace,
    readRatio: workload.readRatio,
  };
}

export function preloadSpec(shape: RunShape): LoadSpec {
  return {
    ...baseSpec(shape, PRELOAD_CLIENTS),
    stop: { kind: 'total', requests: READ_KEY_SPACE },
    keySpace: READ_KEY_SPACE,
    sequentialKeys: true,
  };
}
