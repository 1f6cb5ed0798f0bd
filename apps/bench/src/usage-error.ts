/** Bad input on the command line: printed as one clear line, with no stack and no load sent. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
