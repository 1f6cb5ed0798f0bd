export {
  checkHistory,
  defaultMaxCacheBytesPerKey,
  defaultMaxStepsPerKey,
  type CheckOptions,
  type CheckResult,
} from './check-history.js';
export { describeOperation } from './describe-operation.js';
export { InvalidHistoryError } from './invalid-history-error.js';
export type {
  CasOperation,
  DeleteOperation,
  GetOperation,
  KvOperation,
  KvOperationKind,
  OperationStatus,
  PutOperation,
} from './operation.js';
export { parseHistoryJsonl } from './parse-history.js';
