import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorBody } from './http-error.js';

/** An error Node's HTTP parser raised: llhttp's code, and its reason in words. */
export interface ParserError extends Error {
  readonly code?: string;
  readonly reason?: string;
}

interface ParserErrorAnswer {
  readonly status: number;
  readonly code: string;
}

// Node answers a request its parser refuses with a bare status line and no body; every other
// error of this API is JSON, so these are too. llhttp's codes, by what the client did wrong;
// llhttp's reason ("Duplicate Content-Length") is the message.
const ANSWERS: ReadonlyMap<string, ParserErrorAnswer> = new Map([
  ['HPE_HEADER_OVERFLOW', { status: 431, code: 'headers_too_large' }],
  ['HPE_INVALID_METHOD', { status: 501, code: 'method_not_implemented' }],
  ['HPE_UNEXPECTED_CONTENT_LENGTH', { status: 400, code: 'bad_framing' }],
  ['HPE_INVALID_CONTENT_LENGTH', { status: 400, code: 'bad_framing' }],
  ['HPE_INVALID_TRANSFER_ENCODING', { status: 400, code: 'bad_framing' }],
  ['HPE_INVALID_CHUNK_SIZE', { status: 400, code: 'bad_framing' }],
  ['HPE_INVALID_URL', { status: 400, code: 'bad_request_target' }],
  ['ERR_HTTP_REQUEST_TIMEOUT', { status: 408, code: 'request_timeout' }],
]);
const MALFORMED: ParserErrorAnswer = { status: 400, code: 'malformed_request' };

/** A connection reset, or closed in the middle of a request: the client left; nobody to answer. */
const CLIENT_GONE_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'HPE_INVALID_EOF_STATE']);

export const isClientGone = (error: ParserError): boolean => CLIENT_GONE_CODES.has(error.code ?? '');

/**
 * Answers a request Node's parser refused with a JSON error and closes the connection, for
 * `server.on('clientError')`. A connection already reset, or not writable, is just closed.
 */
export const answerParserError = (error: ParserError, socket: Duplex): void => {
  if (isClientGone(error) || !socket.writable) {
    socket.destroy();
    return;
  }
  const { status, code } = ANSWERS.get(error.code ?? '') ?? MALFORMED;
  const body = JSON.stringify(errorBody(code, `the HTTP request is malformed: ${error.reason ?? error.message}`));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
};
