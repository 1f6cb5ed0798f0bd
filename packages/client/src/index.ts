export { Flotilla } from './flotilla.js';
export type { DeleteOptions, GetOptions, PutOptions, ScanOptions } from './flotilla.js';
export type { Bytes } from './bytes.js';
export type { CallOptions, FlotillaOptions } from './options.js';
export {
  CompareFailedError,
  DeadlineExceededError,
  FlotillaError,
  InvalidRequestError,
  NotFoundError,
  UnavailableError,
  UnknownOutcomeError,
} from './errors.js';
export type { FlotillaErrorInit } from './errors.js';
export type {
  CasResult,
  DeleteResult,
  EndpointReport,
  GroupStatus,
  Health,
  KeyValue,
  NodeStatus,
  PutResult,
  RaftRole,
  ReadConsistency,
  ScanResult,
} from './types.js';
