// Whole nodes (the production multi-raft host) under the seeded simulator.
export { HostCluster, MS_PER_STEP } from './host-cluster.js';
export type { HostClusterOptions } from './host-cluster.js';
export { runHostSimulation, DEFAULT_HOST_SAFETY_STEPS, DEFAULT_HOST_LIVENESS_STEPS_MAX } from './host-simulation.js';
export type { HostCounters, HostSimulationOptions, HostSimulationReport } from './host-simulation.js';
export { ManualTime } from './manual-time.js';
export { SimHost } from './sim-host.js';
