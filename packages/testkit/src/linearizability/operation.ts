// One client operation on one key, as a history records it. Times are on one clock shared by
// every client; only their order matters to the checker.

/** The outcome was observed (`ok`), or the client gave up waiting (`unknown`). */
export type OperationStatus = 'ok' | 'unknown';

interface OperationBase {
  readonly client: number;
  readonly key: string;
  /** When the client invoked the operation. */
  readonly call: number;
  /** When the client saw the response; `null` exactly when the status is `unknown`. */
  readonly ret: number | null;
  readonly status: OperationStatus;
}

export interface GetOperation extends OperationBase {
  readonly op: 'get';
  /** With status `ok`: whether the key was present. */
  readonly found?: boolean;
  /** With status `ok` and `found`: the value read. */
  readonly got?: string;
}

export interface PutOperation extends OperationBase {
  readonly op: 'put';
  readonly value: string;
}

export interface CasOperation extends OperationBase {
  readonly op: 'cas';
  /** The value the key must hold for the swap; absent means the key must be absent. */
  readonly expect?: string;
  readonly value: string;
  /** With status `ok`: whether the swap happened. */
  readonly swapped?: boolean;
}

export interface DeleteOperation extends OperationBase {
  readonly op: 'delete';
  /** With status `ok`, when the store reports it: whether the key was present. */
  readonly deleted?: boolean;
}

export type KvOperation = GetOperation | PutOperation | CasOperation | DeleteOperation;

export type KvOperationKind = KvOperation['op'];
