import { describeOutcome, errorCode, responseJson } from './http-outcome.js';
import type { HttpOutcome, HttpResponse } from './http-outcome.js';

/** The response, when it is one with `status`; otherwise an error that shows what came instead. */
export const expectStatus = (outcome: HttpOutcome, status: number, what: string): HttpResponse => {
  if (outcome.kind !== 'response' || outcome.status !== status) {
    throw new Error(`${what}: expected HTTP ${status}, got ${describeOutcome(outcome)}`);
  }
  return outcome;
};

/**
 * A client error in the house shape: `status`, JSON `{ error: { code, message } }` with `code`.
 * Answers the whole error object for further checks.
 */
export const expectErrorResponse = (
  outcome: HttpOutcome,
  status: number,
  code: string,
  what: string,
): Readonly<Record<string, unknown>> => {
  const response = expectStatus(outcome, status, what);
  if (errorCode(response) !== code) throw new Error(`${what}: expected error code ${code}, got ${describeOutcome(outcome)}`);
  const error = (responseJson(response) as { error: Record<string, unknown> }).error;
  if (typeof error['message'] !== 'string' || error['message'] === '') {
    throw new Error(`${what}: the error has no message: ${describeOutcome(outcome)}`);
  }
  return error;
};
