/** `pnpm run x -- flags` may hand the script the `--` itself; the flags start after it. */
export function withoutLeadingSeparator(argv: readonly string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : [...argv];
}
