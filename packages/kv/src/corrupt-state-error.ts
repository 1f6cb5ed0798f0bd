/**
 * Stored state (a value record, a state blob, a restored index) that this code could not have
 * written. It means a bug or a damaged disk, so it is thrown loudly and never turned into a result.
 */
export class CorruptStateError extends Error {
  override readonly name = 'CorruptStateError';
}
