/** Refuses a call that no transport could carry, before any state is touched. */
export function checkCallArguments(body: Uint8Array, timeoutMs: number): void {
  if (!(body instanceof Uint8Array)) {
    throw new TypeError('call body must be a Uint8Array');
  }
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new RangeError(`call timeoutMs must be a positive number, got ${timeoutMs}`);
  }
}
