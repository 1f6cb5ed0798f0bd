/** A history that is malformed: the checker refuses it rather than guess what it means. */
export class InvalidHistoryError extends Error {
  override readonly name = 'InvalidHistoryError';
}
