/** Every bound the transport enforces. All per peer unless the name says otherwise. */
export interface TransportLimits {
  /** Largest frame payload accepted on either side; a bigger incoming frame resets the link. */
  readonly maxFrameBytes: number;
  /** Raft messages waiting to be written to one peer; beyond it a batch is dropped. */
  readonly maxQueuedMessages: number;
  /** Encoded bytes waiting to be written to one peer (one frame is always admitted to an empty queue). */
  readonly maxQueuedBytes: number;
  /** Snapshot chunks queued or being written to one peer on the snapshot lane. */
  readonly maxQueuedSnapshotChunks: number;
  /** Calls to one peer awaiting an answer. */
  readonly maxInflightCalls: number;
  /** Calls from one peer whose handler is still running; more are refused with an error. */
  readonly maxIncomingCalls: number;
  /** Bytes handed to the socket before the writer waits for it to drain (keeps the queue ours, so calls can overtake). */
  readonly socketWriteBufferBytes: number;
  /** TCP connect plus authentication must finish within this. */
  readonly connectTimeoutMs: number;
  readonly reconnectBackoffInitialMs: number;
  readonly reconnectBackoffMaxMs: number;
}

export const defaultTransportLimits: TransportLimits = {
  maxFrameBytes: 64 * 1024 * 1024,
  maxQueuedMessages: 8192,
  maxQueuedBytes: 32 * 1024 * 1024,
  maxQueuedSnapshotChunks: 2,
  maxInflightCalls: 1024,
  maxIncomingCalls: 1024,
  socketWriteBufferBytes: 256 * 1024,
  connectTimeoutMs: 5000,
  reconnectBackoffInitialMs: 50,
  reconnectBackoffMaxMs: 5000,
};

/** Fills in defaults and refuses nonsense (a configuration error must fail at start, not in flight). */
export const resolveLimits = (overrides: Partial<TransportLimits> = {}): TransportLimits => {
  const limits = { ...defaultTransportLimits, ...overrides };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`transport limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (limits.maxFrameBytes > 0xffff_ffff) {
    throw new RangeError('transport limit maxFrameBytes must fit the u32 length prefix');
  }
  if (limits.reconnectBackoffMaxMs < limits.reconnectBackoffInitialMs) {
    throw new RangeError('reconnectBackoffMaxMs must be at least reconnectBackoffInitialMs');
  }
  return limits;
};
