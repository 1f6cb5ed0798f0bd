/** What a client can get wrong; the server maps each code to a JSON error. */
export const KV_ERROR_CODES = [
  'key_empty',
  'key_too_large',
  'value_too_large',
  'prefix_too_large',
  'scan_limit_invalid',
  'revision_invalid',
  'malformed_command',
] as const;
export type KvErrorCode = (typeof KV_ERROR_CODES)[number];

/**
 * Bad input: thrown at the API edge before proposing, and by command decoding. The state
 * machine turns it into an error result, so a committed bad command changes nothing anywhere.
 */
export class KvInputError extends Error {
  override readonly name = 'KvInputError';
  readonly code: KvErrorCode;

  constructor(code: KvErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
