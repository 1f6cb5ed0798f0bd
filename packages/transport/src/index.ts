export type { CallHandler, PeerAddress, RaftHandler, Transport, UnreachableHandler } from './transport.js';
export {
  CallLimitError,
  CallTimeoutError,
  FrameTooLargeError,
  PeerUnreachableError,
  ProtocolError,
  RemoteCallError,
  TransportClosedError,
} from './errors.js';
export { defaultTransportLimits, resolveLimits } from './limits.js';
export type { TransportLimits } from './limits.js';
export type { PeerCounters } from './peer-counters.js';
export { realScheduler } from './scheduler.js';
export type { Scheduler } from './scheduler.js';
export { coalesceHeartbeats, expandHeartbeats } from './heartbeat-coalescing.js';
export type { CoalescedMessages, HeartbeatResponseTuple, HeartbeatTuple } from './heartbeat-coalescing.js';
export { TcpTransport } from './tcp-transport.js';
export type { TcpTransportOptions } from './tcp-transport.js';
export { plainTcpSockets } from './socket-factory.js';
export type { SocketFactory } from './socket-factory.js';
export { MemoryHub } from './memory-hub.js';
export type { LinkFaults, MemoryHubOptions } from './memory-hub.js';
export { MemoryTransport } from './memory-transport.js';
export type { MemoryTransportOptions } from './memory-transport.js';
// Building blocks for a transport over another wire (the simulator's network).
export { checkCallArguments } from './call-arguments.js';
export { PendingCalls } from './pending-calls.js';
export { PeerCounterTable } from './peer-counters.js';
export { UnreachableReporter } from './unreachable-reporter.js';
