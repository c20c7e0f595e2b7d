// Refusals written straight to a socket, before any request exists to answer: a head that is
// not HTTP/1.1, a head too large, a request not received in time. node:http's own answers to
// these are bare status lines; launchday's carry the same JSON error body as every other
// refusal, whichever side (the lane or node:http) found the fault.
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { outcomes, type OutcomeCode } from '../outcomes.js';

/** How long a refused connection may take to read its refusal before it is closed anyway. */
export const CLOSE_GRACE_MS = 1_000;

/** The codes a connection can be refused with before a request is read. */
export type ClientErrorCode = 'malformed_request' | 'request_timeout' | 'headers_too_large'
  | 'body_too_large' | 'too_many_connections';

/**
 * A whole HTTP/1.1 reply refusing with `code`, its JSON error body
 * (`{"error":{"code","message"}}`), and Connection: close: after a fault in the framing
 * nothing later on the connection can be trusted to start where a request starts.
 * `retryAfterSeconds`, when given, is sent as Retry-After (a refusal a wait can change).
 */
export function closingRefusal(code: ClientErrorCode, retryAfterSeconds?: number): string {
  const { status, message } = outcomes[code as OutcomeCode];
  const body = JSON.stringify({ error: { code, message } });
  return `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n`
    + 'content-type: application/json; charset=utf-8\r\n'
    + `content-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\n`
    + (retryAfterSeconds === undefined ? '' : `Retry-After: ${retryAfterSeconds}\r\n`)
    + `Connection: close\r\n\r\n${body}`;
}

/** The code for an error node:http reports on a connection (its clientError event). */
export function clientErrorCode(err: NodeJS.ErrnoException): ClientErrorCode {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW': return 'headers_too_large';
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW': return 'body_too_large';
    case 'ERR_HTTP_REQUEST_TIMEOUT': return 'request_timeout';
    default: return 'malformed_request';
  }
}

/**
 * node:http's clientError listener: as node:http's default (answer if the socket can still
 * take a reply, then close), but with the JSON error body. A reply already under way on the
 * socket (`_httpMessage` with its head sent, as node:http checks) cannot be followed by
 * another status line, so then the socket is only closed.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  const current = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code !== 'ECONNRESET' && socket.writable && current?.headersSent !== true) {
    return endWithRefusal(socket, clientErrorCode(err));
  }
  socket.destroy();
}

const ignoreError = (): void => {};

/** Writes `closingRefusal(code, retryAfterSeconds)` and closes the socket. */
export function endWithRefusal(socket: Duplex, code: ClientErrorCode,
  retryAfterSeconds?: number): void {
  // A refused peer may reset the connection instead of reading the refusal: the error that
  // raises is expected, and a socket with no listener for it would throw it from the process
  // (one address opening connections past the cap and resetting them crashed the server).
  socket.on('error', ignoreError);
  socket.end(closingRefusal(code, retryAfterSeconds));
  // end() lets the reply reach the peer before the close (destroy() at once may reset the
  // connection and lose it); a peer that never reads or closes keeps the socket no longer.
  setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
}
