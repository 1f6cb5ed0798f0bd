import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Extra fields beside `code` and `message` in an error body, already in their wire (snake_case) form. */
export type ErrorDetails = Readonly<Record<string, string | number | boolean>>;

/**
 * An error a client caused or must react to. Handlers throw it; the app's error handler turns
 * it into `{ "error": { "code", "message", ...details } }` with `status` and `headers`.
 */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: ErrorDetails = {},
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (code: string, message: string): HttpError => new HttpError(400, code, message);

const SNAKE_CASE = /^[a-z]+(?:_[a-z]+)*$/;

/** Every error body on the wire: its code is snake_case (`no_leader`, never `no-leader`). */
export const errorBody = (code: string, message: string, details: ErrorDetails = {}) => {
  if (!SNAKE_CASE.test(code)) throw new Error(`error code "${code}" is not snake_case: the HTTP API spells every code one way`);
  return { error: { code, message, ...details } };
};
