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
export { TcpTransport } from './tcp-transport.js';
export type { TcpTransportOptions } from './tcp-transport.js';
export { plainTcpSockets } from './socket-factory.js';
export type { SocketFactory } from './socket-factory.js';
export { mutualTlsSockets } from './tls-sockets.js';
export type { TlsMaterial } from './tls-sockets.js';
export { MemoryHub } from './memory-hub.js';
export type { LinkFaults, MemoryHubOptions } from './memory-hub.js';
export { MemoryTransport } from './memory-transport.js';
export type { MemoryTransportOptions } from './memory-transport.js';
// For another in-process wire (the simulator's network).
export type { InProcessWire, TransmitOutcome, WireEndpoint, WireFrame, WirePort } from './in-process-wire.js';
export type { FrameCodec, OutgoingFrame } from './frame-codec.js';
export { objectFrameCodec } from './object-frame-codec.js';
export { DataFrameKind } from './wire-codec.js';
