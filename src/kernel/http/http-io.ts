// Reading requests and writing replies, with the limits and the error shape in one place.
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  carriesRetryAfter, ok, outcomes, refuse, type Refusal, type Result,
} from '../outcomes.js';

export type Json = Record<string, unknown>;

/** A reply body already written as JSON (views.ts's orderViewJson), sent as it is. */
export class JsonText {
  constructor(readonly text: string) {}
}

/** A reply body as JSON text. */
export const jsonText = (body: unknown): string =>
  (body instanceof JsonText ? body.text : JSON.stringify(body));

export function sendJson(res: ServerResponse, status: number, body: unknown,
  headers: Record<string, string> = {}): void {
  const text = jsonText(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/**
 * A refusal as a reply: its status, the error body, and Retry-After when it is for load, a
 * rate limit or a code that says so (`carriesRetryAfter`; the refusal's own seconds when it
 * has them).
 */
export function refusalReply(r: Refusal, retryAfterSeconds: number):
  { status: number; body: unknown; headers: Record<string, string> } {
  const spec = outcomes[r.code];
  const headers: Record<string, string> = {};
  if (carriesRetryAfter(r.code)) {
    headers['retry-after'] = String(r.retryAfterSeconds ?? retryAfterSeconds);
  }
  if (r.allow !== undefined) headers.allow = r.allow.join(', ');
  return { status: spec.status,
    body: { error: { ...r.details, code: r.code, message: r.message } }, headers };
}

export function sendRefusal(res: ServerResponse, r: Refusal, retryAfterSeconds: number): void {
  const out = refusalReply(r, retryAfterSeconds);
  sendJson(res, out.status, out.body, out.headers);
}

/**
 * Whether a Content-Type names JSON: the media type `application/json`, in any case, with or
 * without parameters (`; charset=utf-8`), as RFC 9110 8.3.1 reads media types.
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const semicolon = contentType.indexOf(';');
  const type = semicolon < 0 ? contentType : contentType.slice(0, semicolon);
  return type.trim().toLowerCase() === 'application/json';
}

/**
 * A request body read whole as a JSON object; an absent body reads as `{}`. A body that is
 * there must say it is JSON: without a Content-Type it is refused as text/plain is
 * (unsupported_media_type, docs/api.md), rather than guessed at.
 */
/**
 * A JSON body as an object: `unsupported_media_type`, or parseObject's refusals (a NUL anywhere
 * is refused unless `nulAllowed`: the route's own field rules refuse it).
 */
export function parseJsonBody(contentType: string | undefined, text: string,
  nulAllowed = false): Result<Json> {
  if (text === '') return ok({});
  if (!isJsonMediaType(contentType)) return refuse('unsupported_media_type');
  return parseObject(text, nulAllowed);
}

// A \u0000 escape not itself escaped. PostgreSQL cannot store a NUL in text and fails the
// whole statement (a 500, and for a batch, every command in it), so no body may carry one.
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/i;

// A \u escape of a UTF-16 surrogate (D800-DFFF). The body's bytes are decoded as UTF-8, which
// turns an encoded surrogate into U+FFFD, so an escape is the only way a lone surrogate reaches a
// parsed body: a body without one is well-formed and is not walked.
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

/**
 * A JSON body as an object: `invalid_json`; `invalid_request` (not an object, or a NUL anywhere
 * unless `nulAllowed`); `text_not_well_formed` (a lone surrogate in any string or key, whatever
 * the route: no field's own rule is trusted with it).
 */
export function parseObject(text: string, nulAllowed = false): Result<Json> {
  if (!nulAllowed && NUL_ESCAPE.test(text)) {
    return refuse('invalid_request', 'Text may not contain the NUL character (\\u0000).');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('invalid_json');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return refuse('invalid_request', 'The body must be a JSON object.');
  }
  if (SURROGATE_ESCAPE.test(text)) {
    const at = notWellFormedAt(value);
    if (at !== null) return notWellFormed(at);
  }
  return ok(value as Json);
}

// Since Node 20 (V8 11.3); package.json's engines say >= 20.
declare global {
  interface String {
    isWellFormed(): boolean;
    toWellFormed(): string;
  }
}

/**
 * A place where a parsed JSON value (or a query's parameters) holds text that is not
 * well-formed Unicode, a lone UTF-16 surrogate in a value or a key: the path of names and indexes
 * joined by '/' ('' for the value itself), or null when all of it is well-formed. Walked without
 * recursion: a body of deeply nested arrays that JSON.parse takes would overflow the stack.
 */
export function notWellFormedAt(value: unknown): string | null {
  const stack: Array<[unknown, string]> = [[value, '']];
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const [v, path] = top;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) return path;
    } else if (v !== null && typeof v === 'object') {
      // Pushed last to first, so that the first field in the body is looked at first.
      const entries = Object.entries(v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        const at = path === '' ? k : `${path}/${k}`;
        if (!k.isWellFormed()) return at;
        stack.push([child, at]);
      }
    }
  }
  return null;
}

/** The refusal of text that is not well-formed at `path` (notWellFormedAt). */
export function notWellFormed(path: string): Refusal {
  const shown = path.length > 64 ? `${path.slice(0, 64)}…` : path;
  return refuse('text_not_well_formed', `"${shown.toWellFormed()}" holds a lone UTF-16 surrogate `
    + '(\\ud800-\\udfff without its pair), which cannot be stored as sent: send well-formed '
    + 'Unicode text.');
}

/** Reads the raw body of at most `maxBytes` as UTF-8 text. */
/**
 * A body's bytes as text; `text_not_well_formed` (400) when they are not UTF-8: decoding would
 * put U+FFFD where they were, so the text checked and kept would not be the text sent, and a
 * provider's signature over the bytes would not match it (a 401 it would send again for ever).
 */
export function utf8Text(bytes: Buffer): Result<string> {
  return isUtf8(bytes) ? ok(bytes.toString('utf8'))
    : refuse('text_not_well_formed', 'The body is not well-formed UTF-8; send it as UTF-8.');
}

export function readText(req: IncomingMessage, maxBytes: number): Promise<Result<string>> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > maxBytes) {
      resolve(refuse('body_too_large', `The body may be at most ${maxBytes} bytes.`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: Result<string>): void => {
      if (!done) { done = true; resolve(r); }
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        finish(refuse('body_too_large', `The body may be at most ${maxBytes} bytes.`));
        req.resume();
        return;
      }
      if (!done) chunks.push(chunk);
    });
    req.on('error', () => finish(refuse('invalid_json', 'The body could not be read.')));
    req.on('end', () => {
      if (!done) finish(utf8Text(Buffer.concat(chunks, size)));
    });
  });
}

/** The comma-separated codings a header names, trimmed and in lower case ('' entries dropped). */
function codings(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  const text = Array.isArray(value) ? value.join(',') : value;
  return text.split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '');
}

/**
 * Whether a request's body is coded in a way launchday does not decode: `transfer_coding_
 * unsupported` (501, RFC 9112 6.1) for a Transfer-Encoding other than `chunked` alone
 * (`gzip, chunked` was read as if the gzip were not there), `content_encoding_unsupported` (415,
 * RFC 9110 8.4) for a Content-Encoding other than `identity` on a request with a body; null for
 * a plain body or none. Asked before the route runs, whichever side (the lane or node:http) read
 * the request: the lane hands any request with Transfer-Encoding to node:http, and reads
 * Content-Encoding as a header.
 *
 * Each check is decided by what it is about. Content-Encoding describes a body, so a request
 * without one (a GET, a HEAD, a DELETE, a POST with Content-Length 0: some clients and proxies
 * send the header on every request) has nothing to decode and is not refused for it; the
 * Content-Type check is the same (parseJsonBody reads an empty body as `{}` whatever its type).
 * Transfer-Encoding is the framing itself: its presence says a body follows (RFC 9112 6.3), of a
 * length not known until it is read, so a coding not decoded is refused whatever the method.
 */
export function codingRefusal(headers: Readonly<Record<string, string | string[] | undefined>>):
  Refusal | null {
  const transfer = codings(headers['transfer-encoding']);
  if (transfer.length > 0 && (transfer.length !== 1 || transfer[0] !== 'chunked')) {
    return refuse('transfer_coding_unsupported');
  }
  if (hasBody(headers) && codings(headers['content-encoding']).some((c) => c !== 'identity')) {
    return refuse('content_encoding_unsupported');
  }
  return null;
}

/**
 * Whether a request's head says a body follows: any Transfer-Encoding (chunked, possibly empty:
 * its length is not known before it is read), or a Content-Length above 0. Both sides have
 * refused a malformed or repeated Content-Length before a route is found (400).
 */
function hasBody(headers: Readonly<Record<string, string | string[] | undefined>>): boolean {
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = headers['content-length'];
  return length !== undefined && Number(Array.isArray(length) ? length[0] : length) > 0;
}
