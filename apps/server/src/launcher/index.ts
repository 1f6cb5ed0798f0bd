// Clusters of real processes on this machine: `pnpm start`, the bench and the cluster tests
// all launch their nodes through this entry, `@flotilla/server/launcher`.
export { freeLoopbackPorts } from './free-loopback-ports.js';
export { describeExit, LaunchedProcess, stopEveryLaunchedProcess } from './launched-process.js';
export type { LaunchRequest, ProcessExit, ProcessOutput } from './launched-process.js';
export { ProcessCluster } from './process-cluster.js';
export type { ClusterMember } from './process-cluster.js';
export { BUILT_SERVER_MAIN, clientUrlOf, flotillaMembers, flotillaNodeArgs, loopbackNodes, peerAddressOf } from './flotilla-nodes.js';
export type { FlotillaClusterSpec, FlotillaMember, FlotillaNode, FlotillaSettings } from './flotilla-nodes.js';
