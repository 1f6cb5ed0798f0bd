/** A write the simulated clients replicate through the log. Reads go through ReadIndex instead. */
export type KvWrite =
  | { readonly op: 'put'; readonly key: string; readonly value: string }
  | { readonly op: 'delete'; readonly key: string }
  /** `expected: null` means "only if absent". */
  | { readonly op: 'cas'; readonly key: string; readonly expected: string | null; readonly value: string };

/**
 * A write tagged with its client session, so that a command delivered twice (a duplicated
 * forward, a retried proposal) is applied once: the state machine remembers each client's
 * last sequence number.
 */
export interface ClientCommand {
  readonly client: number;
  readonly seq: number;
  readonly write: KvWrite;
}

export const MAX_KEY_LENGTH = 64;
export const MAX_VALUE_LENGTH = 256;

export class InvalidCommandError extends Error {
  override readonly name = 'InvalidCommandError';
}

/** Client-side validation: a bad request is refused before anything is proposed. */
export function validateWrite(write: KvWrite): void {
  if (write.key.length === 0 || write.key.length > MAX_KEY_LENGTH) {
    throw new InvalidCommandError(`key length must be in [1, ${MAX_KEY_LENGTH}], got ${write.key.length}`);
  }
  const values = write.op === 'put' ? [write.value] : write.op === 'cas' ? [write.value, write.expected ?? ''] : [];
  for (const value of values) {
    if (value.length > MAX_VALUE_LENGTH) {
      throw new InvalidCommandError(`value length must be at most ${MAX_VALUE_LENGTH}, got ${value.length}`);
    }
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export function encodeCommand(command: ClientCommand): Uint8Array {
  validateWrite(command.write);
  return encoder.encode(JSON.stringify(command));
}

const isString = (value: unknown): value is string => typeof value === 'string';

function parseWrite(value: unknown): KvWrite | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { op, key } = record;
  if (!isString(key)) return undefined;
  if (op === 'put' && isString(record['value'])) return { op, key, value: record['value'] };
  if (op === 'delete') return { op, key };
  if (op === 'cas' && isString(record['value']) && (record['expected'] === null || isString(record['expected']))) {
    return { op, key, expected: record['expected'], value: record['value'] };
  }
  return undefined;
}

/** Committed bytes that do not decode mean the log is corrupt: that throws, loudly. */
export function decodeCommand(bytes: Uint8Array): ClientCommand {
  const parsed: unknown = JSON.parse(decoder.decode(bytes));
  if (typeof parsed === 'object' && parsed !== null) {
    const { client, seq, write } = parsed as Record<string, unknown>;
    const kvWrite = parseWrite(write);
    if (Number.isSafeInteger(client) && Number.isSafeInteger(seq) && kvWrite !== undefined) {
      return { client: client as number, seq: seq as number, write: kvWrite };
    }
  }
  throw new Error(`committed entry is not a client command: ${decoder.decode(bytes)}`);
}
