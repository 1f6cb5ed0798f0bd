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

/** The bench's own generator: closed-loop clients, and the mixed workload wrk cannot do. */
export const COMPARE_WORKLOADS: readonly Workload[] = [
  ...[1, 16, 64, 256].map((clients) => ({ name: `put c=${clients}`, clients, readRatio: 0, keySpace: PUT_KEY_SPACE, readsPreloadedKeys: false })),
  { name: 'get lin. c=64', clients: 64, readRatio: 1, keySpace: READ_KEY_SPACE, readsPreloadedKeys: true },
  { name: '90/10 get/put c=64', clients: 64, readRatio: 0.9, keySpace: READ_KEY_SPACE, readsPreloadedKeys: true },
];

/** wrk gives each member one thread and each thread an equal share: 63 is 21 connections per member. */
export const WRK_CONNECTIONS = 63;
/** Concurrent writers to a few keys, as lock and counter users make them. */
export const HOT_KEY_SPACE = 10;

/** The headline workloads, driven by wrk; one kind of operation each, since wrk's histogram is one. */
export const WRK_WORKLOADS: readonly Workload[] = [
  { name: 'put c=1', clients: 1, readRatio: 0, keySpace: PUT_KEY_SPACE, readsPreloadedKeys: false },
  { name: `put c=${WRK_CONNECTIONS}`, clients: WRK_CONNECTIONS, readRatio: 0, keySpace: PUT_KEY_SPACE, readsPreloadedKeys: false },
  { name: `get lin. c=${WRK_CONNECTIONS}`, clients: WRK_CONNECTIONS, readRatio: 1, keySpace: READ_KEY_SPACE, readsPreloadedKeys: true },
  { name: `put ${HOT_KEY_SPACE} hot keys c=${WRK_CONNECTIONS}`, clients: WRK_CONNECTIONS, readRatio: 0, keySpace: HOT_KEY_SPACE, readsPreloadedKeys: false },
];

export type GeneratorKind = 'node' | 'wrk';
export const GENERATOR_KINDS: readonly GeneratorKind[] = ['node', 'wrk'];

export const workloadsOf = (generator: GeneratorKind): readonly Workload[] => (generator === 'wrk' ? WRK_WORKLOADS : COMPARE_WORKLOADS);

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
