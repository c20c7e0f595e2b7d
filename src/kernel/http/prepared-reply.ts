// Replies prepared once per change rather than built per request: the reads every phone repeats
// on launch night (the launches, a launch, its figures). The JSON, its validator and its gzip
// form are made once when what they show changes; a request then costs a header check and a
// splice of the reply's time (the bodies carry it: `server_time`, `as_of`), or a 304.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { SplicedGzip } from './gzip-splice.js';

/**
 * The value to put where a prepared body carries the time of its reply. Random per process, so
 * no text an operator typed into a launch can be mistaken for it.
 */
export const REPLY_TIME = `\u0001reply-time-${randomUUID()}`;
const REPLY_TIME_JSON = JSON.stringify(REPLY_TIME);

/** Bodies shorter than this go uncompressed: a gzip member would save too little to matter. */
const GZIP_MIN_BYTES = 1024;

/** A prepared reply as one request gets it: 200 with a body, or 304 with none. */
export interface ServedReply {
  readonly status: 200 | 304;
  /** etag, cache-control, vary, and content-encoding when compressed. */
  readonly headers: Readonly<Record<string, string>>;
  /** JSON as UTF-8 bytes, a gzip member, or null for a 304. */
  readonly body: Buffer | null;
}

/**
 * Whether an `If-None-Match` value names `etag`, by the weak comparison RFC 9110 13.1.2 asks of
 * it (a `W/` on either side does not matter), or is `*`.
 */
export function noneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (typeof header !== 'string') return false;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag === opaque || (tag.startsWith('W/') && tag.slice(2) === opaque)) {
      return true;
    }
  }
  return false;
}

/** Whether `Accept-Encoding` accepts `coding` (named, with no `q=0`; RFC 9110 12.5.3). */
export function acceptsEncoding(header: string | string[] | undefined, coding: string): boolean {
  if (typeof header !== 'string') return false;
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.split(';');
    if (name.trim().toLowerCase() !== coding) continue;
    const q = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** A short validator of `parts`, the same in every process that prepares the same bytes. */
export function contentTag(...parts: ReadonlyArray<string | Buffer>): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\u0000');
  return h.digest('base64url').slice(0, 22);
}

/**
 * A JSON body prepared once, with `REPLY_TIME` wherever it carries the time of its reply. Its
 * ETag is weak: two replies differ in that time and nothing else, which RFC 9110 8.8.1 calls
 * equivalent rather than identical. It is computed from the content, so every process
 * serving the same launch gives the same one, and a client's tag from one process is good at
 * the next.
 */
export class PreparedJson {
  readonly etag: string;
  readonly #pieces: readonly string[];
  /** The pieces as bytes: a reply is copied together from them, never encoded again. */
  readonly #pieceBytes: readonly Buffer[];
  readonly #gzip: SplicedGzip | null;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #gzipHeaders: Readonly<Record<string, string>>;
  readonly #notModified: ServedReply;
  // The replies of one millisecond carry the same time: the last body made is reused.
  #lastTime = '';
  #lastText = '';
  #lastBytesTime = '';
  #lastBytes: Buffer | null = null;
  #lastGzipTime = '';
  #lastGzip: Buffer | null = null;

  /** `value` as JSON.stringify writes it; `cacheControl`: who may keep it, and how long. */
  constructor(value: unknown, readonly cacheControl: string) {
    const text = JSON.stringify(value);
    this.#pieces = text.split(REPLY_TIME_JSON);
    this.etag = `W/"${contentTag(...this.#pieces)}"`;
    this.#pieceBytes = this.#pieces.map((p) => Buffer.from(p));
    this.#gzip = text.length >= GZIP_MIN_BYTES ? new SplicedGzip(this.#pieceBytes) : null;
    this.#headers = Object.freeze({ etag: this.etag, 'cache-control': cacheControl,
      vary: 'accept-encoding' });
    this.#gzipHeaders = Object.freeze({ ...this.#headers, 'content-encoding': 'gzip' });
    this.#notModified = Object.freeze({ status: 304, headers: this.#headers, body: null });
  }

  /** The body with `timeIso` where the reply's time goes, as it would be built today. */
  text(timeIso: string): string {
    if (timeIso !== this.#lastTime) {
      this.#lastTime = timeIso;
      this.#lastText = this.#pieces.join(`"${timeIso}"`);
    }
    return this.#lastText;
  }

  /** The reply to a request with `headers`: 304 if it holds this version, gzip if it takes it. */
  serve(headers: IncomingHttpHeaders | Readonly<Record<string, string>>, timeIso: string):
    ServedReply {
    if (noneMatchHits(headers['if-none-match'], this.etag)) return this.#notModified;
    if (this.#gzip !== null && acceptsEncoding(headers['accept-encoding'], 'gzip')) {
      if (timeIso !== this.#lastGzipTime || this.#lastGzip === null) {
        this.#lastGzipTime = timeIso;
        this.#lastGzip = this.#gzip.with(Buffer.from(`"${timeIso}"`));
      }
      return { status: 200, headers: this.#gzipHeaders, body: this.#lastGzip };
    }
    return { status: 200, headers: this.#headers, body: this.bytes(timeIso) };
  }

  /** `text(timeIso)` as UTF-8 bytes, copied together from the pieces' own. */
  bytes(timeIso: string): Buffer {
    if (timeIso !== this.#lastBytesTime || this.#lastBytes === null) {
      const time = Buffer.from(`"${timeIso}"`, 'latin1');
      const parts: Buffer[] = [this.#pieceBytes[0]!];
      for (let i = 1; i < this.#pieceBytes.length; i++) parts.push(time, this.#pieceBytes[i]!);
      this.#lastBytesTime = timeIso;
      this.#lastBytes = Buffer.concat(parts);
    }
    return this.#lastBytes;
  }
}

/** Writes a served reply through node:http (the lane writes its own: http-lane.ts). */
export function writeServed(res: ServerResponse, served: ServedReply): void {
  if (served.body === null) {
    res.writeHead(304, served.headers);
    res.end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(served.body), ...served.headers });
  res.end(served.body);
}
