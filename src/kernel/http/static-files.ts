// Serves the web pages from one folder, compressed once (brotli and gzip, in libuv's thread
// pool, not on the event loop) and kept in memory: they are small and every buyer on launch
// night asks for the same few files.
//
// Caching: the pages name their scripts and styles with the folder's version (`/app.css?v=...`,
// `import ... from './api.js?v=...'`, rewritten as the files are loaded), and a file asked for
// under the current version is the same bytes for ever: `immutable`, a year. A page itself, and
// anything asked for without the version, must be asked again each time (`no-cache`), answered
// `304` while its ETag holds. A repeat visit therefore costs one small 304 for the page.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { acceptsEncoding, contentTag, noneMatchHits } from './prepared-reply.js';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

/** Files compressed: text; images are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.webmanifest']);

/** A file under the current version: the same bytes for ever. */
const VERSIONED_CACHE = 'public, max-age=31536000, immutable';
/** A page, or a file asked for without the version: kept, but asked again each time. */
const REVALIDATED_CACHE = 'no-cache';
/**
 * The site's icon (web/favicon.ico): asked for by its fixed name, without the version, by
 * anything that does not read the pages' `data:,` icon (a phone's home-screen shortcut, a
 * crawler, older browsers). 122 bytes, kept a day and revalidated in the background for a week
 * rather than asked again on every visit; a new icon shows within a day of a deploy.
 */
const ICON = 'favicon.ico';
const ICON_CACHE = 'public, max-age=86400, stale-while-revalidate=604800';
/** Files read from the folder at most (the cache of names, found or not, is bounded too). */
const FILES_MAX = 1000;

/** One encoding of a file, with the headers of each of its replies made once (the lane keeps
 * what it rendered of each headers object: http-lane.ts's renderReady). */
interface Variant {
  readonly body: Buffer;
  readonly etag: string;
  readonly encoding: string | null;
  /** 200 and 304, under the current version (`immutable`) and without it (`no-cache`). */
  readonly headers: {
    readonly versioned: Replies;
    readonly revalidated: Replies;
  };
}
interface Replies {
  readonly ok: Readonly<Record<string, string>>;
  readonly notModified: Readonly<Record<string, string>>;
}
interface Entry {
  readonly type: string;
  readonly raw: Variant;
  readonly gzip: Variant | null;
  readonly br: Variant | null;
}

/**
 * Headers every page carries. The pages load their scripts and styles only from this origin
 * and none inline (web/*.html), so the policy allows nothing else but the empty `data:,` icon
 * every page names (so that no browser asks for /favicon.ico); no page is meant to be framed by
 * another site. Styles set from scripts go through the CSSOM, which the policy allows.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
});

/** `pathname` percent-decoded, or null when it does not decode ('%ff', '%', '%c0%af'). */
function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** The file a URL path names under the folder, or null when it names none it may serve. */
function relativePath(pathname: string): string | null {
  const decoded = pathname === '/' ? '/index.html' : decodedPath(pathname);
  if (decoded === null) return null;
  const rel = normalize(decoded.slice(1));
  if (rel.startsWith('..') || rel.includes(`${sep}..`) || rel.startsWith(sep)) return null;
  return extname(rel) === '' ? `${rel}.html` : rel;
}

/** Every file under `root` (a bounded number), for the folder's version. */
function listFiles(root: string): string[] {
  try {
    return (readdirSync(root, { recursive: true, withFileTypes: true }) as Array<
      { isFile(): boolean; name: string; parentPath?: string; path?: string }>)
      .filter((d) => d.isFile())
      .map((d) => join(d.parentPath ?? d.path ?? root, d.name))
      .sort().slice(0, FILES_MAX);
  } catch {
    return [];
  }
}

/**
 * The version of the folder's files: a digest of every name and content, so a file changed,
 * added or removed gives every versioned name a new one. Read once, as the files are served
 * from memory once read.
 */
export function folderVersion(root: string): string {
  const parts: Array<string | Buffer> = [];
  for (const path of listFiles(root)) {
    try {
      parts.push(relative(root, path), readFileSync(path));
    } catch {
      // A file that cannot be read is not served either.
    }
  }
  return contentTag(...parts).slice(0, 12);
}

/** A relative module specifier after `from`, `import(` or a bare `import`. */
const IMPORT_SPECIFIER =
  /(\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"?#\s]+\.js)\2/g;

/**
 * `text` with the version after every local script and style it names: module imports and
 * dynamic imports of relative `.js` files in scripts, `src`/`href` of `/...js` and `/...css`
 * in pages. Anything else is left as it is.
 */
export function versionReferences(text: string, ext: string, version: string): string {
  if (ext === '.js') {
    return text.replace(IMPORT_SPECIFIER,
      (_m, lead: string, q: string, path: string) => `${lead}${q}${path}?v=${version}${q}`);
  }
  if (ext === '.html') {
    return text.replace(/(\s(?:src|href)=")(\/[^"?#\s]+\.(?:js|css))"/g,
      (_m, lead: string, path: string) => `${lead}${path}?v=${version}"`);
  }
  return text;
}

/** A file's reply as the lane writes it: 200 with the bytes, or 304 with none. */
export interface FileReply {
  readonly status: 200 | 304;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
}

export class StaticFiles {
  readonly #cache = new Map<string, Promise<Entry | null>>();
  /** The files read so far, for an answer without waiting (the lane's). */
  readonly #ready = new Map<string, Entry | null>();
  /** The folder's version (folderVersion), in the names the pages give their files. */
  readonly version: string;

  readonly #versionSearch: string;

  constructor(private readonly root: string) {
    this.version = folderVersion(root);
    this.#versionSearch = `?v=${this.version}`;
  }

  #load(rel: string): Promise<Entry | null> {
    const hit = this.#cache.get(rel);
    if (hit !== undefined) return hit;
    const entry = this.#read(rel);
    if (this.#cache.size < FILES_MAX) {
      this.#cache.set(rel, entry);
      void entry.then((e) => this.#ready.set(rel, e), () => undefined);
    }
    return entry;
  }

  async #read(rel: string): Promise<Entry | null> {
    const ext = extname(rel);
    const type = TYPES[ext];
    if (!type) return null;
    let raw: Buffer;
    try {
      raw = await readFile(join(this.root, rel));
    } catch {
      return null;
    }
    if (ext === '.js' || ext === '.html') {
      raw = Buffer.from(versionReferences(raw.toString('utf8'), ext, this.version));
    }
    const tag = contentTag(raw);
    const variant = (body: Buffer, encoding: string | null): Variant => {
      const etag = `"${tag}${encoding === null ? '' : `-${encoding}`}"`;
      const replies = (cacheControl: string): Replies => {
        const common = { 'cache-control': cacheControl, etag, vary: 'accept-encoding',
          ...SECURITY_HEADERS };
        return { notModified: Object.freeze(common), ok: Object.freeze({ 'content-type': type,
          ...(encoding === null ? {} : { 'content-encoding': encoding }), ...common }) };
      };
      return { body, encoding, etag, headers: { versioned: replies(VERSIONED_CACHE),
        revalidated: replies(rel === ICON ? ICON_CACHE : REVALIDATED_CACHE) } };
    };
    if (!COMPRESSIBLE.has(ext)) return { type, raw: variant(raw, null), gzip: null, br: null };
    const [gz, br] = await Promise.all([gzipAsync(raw, { level: 9 }), brotli(raw, { params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })]);
    return { type, raw: variant(raw, null), gzip: variant(gz, 'gzip'), br: variant(br, 'br') };
  }

  /**
   * Reads and compresses every file now, in the thread pool, so that the first buyers of the
   * night do not wait for it. Resolves when done; errors leave a file to be read on demand.
   */
  async prepare(): Promise<void> {
    const rels = listFiles(this.root).map((p) => relative(this.root, p).split(sep).join('/'));
    await Promise.all(rels.map((rel) => this.#load(normalize(rel)).catch(() => null)));
  }

  /**
   * Serves the file for `pathname` (and `search`, which may name the version), or returns
   * false when there is none (a path that does not decode names none). The reply is one
   * buffer kept in memory, written once: node:http reads no further request on the
   * connection until the peer has taken it.
   */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string, search = ''):
    Promise<boolean> {
    const rel = relativePath(pathname);
    if (rel === null) return false;
    const entry = await this.#load(rel);
    if (!entry) return false;
    const r = this.#reply(entry, req.headers, search);
    if (r.body === null) {
      res.writeHead(304, r.headers);
      res.end();
      return true;
    }
    res.writeHead(200, { 'content-length': r.body.length, ...r.headers });
    res.end(req.method === 'HEAD' ? undefined : r.body);
    return true;
  }

  /**
   * Answers a browser's request for a page that does not exist with `404.html` and status 404
   * (a person should not be shown raw JSON), when the request asks for HTML and is not under
   * /api/: API clients keep the JSON refusal. Returns false when it did not answer.
   */
  async serveNotFoundPage(req: IncomingMessage, res: ServerResponse, pathname: string):
    Promise<boolean> {
    const accept = String(req.headers.accept ?? '');
    if (pathname.startsWith('/api/') || !/\btext\/html\b/.test(accept)) return false;
    const entry = await this.#load('404.html');
    if (!entry) return false;
    res.writeHead(404, {
      'content-type': entry.type, 'content-length': entry.raw.body.length, 'cache-control': 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : entry.raw.body);
    return true;
  }

  /**
   * The reply to a GET of `target` (path and query) if the file is in memory already, for the
   * lane to write without waiting; null when there is no such file or it is not read yet
   * (node:http then serves it as above).
   */
  ready(target: string, headers: Readonly<Record<string, string | string[] | undefined>>):
    FileReply | null {
    const q = target.indexOf('?');
    const rel = relativePath(q < 0 ? target : target.slice(0, q));
    const entry = rel === null ? undefined : this.#ready.get(rel);
    if (!entry) return null;
    return this.#reply(entry, headers, q < 0 ? '' : target.slice(q));
  }

  /** Whether `target` names a file in memory already (`ready` answers it). */
  isReady(target: string): boolean {
    const q = target.indexOf('?');
    const rel = relativePath(q < 0 ? target : target.slice(0, q));
    return rel !== null && Boolean(this.#ready.get(rel));
  }

  #reply(entry: Entry, headers: Readonly<Record<string, string | string[] | undefined>>,
    search: string): FileReply {
    const accept = headers['accept-encoding'];
    const chosen = (entry.br !== null && acceptsEncoding(accept, 'br') ? entry.br : null)
      ?? (entry.gzip !== null && acceptsEncoding(accept, 'gzip') ? entry.gzip : null)
      ?? entry.raw;
    const versioned = search === this.#versionSearch && entry.type !== TYPES['.html'];
    const replies = versioned ? chosen.headers.versioned : chosen.headers.revalidated;
    if (noneMatchHits(headers['if-none-match'], chosen.etag)) {
      return { status: 304, headers: replies.notModified, body: null };
    }
    return { status: 200, body: chosen.body, headers: replies.ok };
  }
}
