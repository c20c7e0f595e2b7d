// Serves the web pages from one folder, compressed once and kept in memory: they are small and
// every buyer on launch night asks for the same few files.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};

interface Entry { raw: Buffer; gz: Buffer; type: string }

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

export class StaticFiles {
  readonly #cache = new Map<string, Entry | null>();

  constructor(private readonly root: string) {}

  async #load(rel: string): Promise<Entry | null> {
    if (this.#cache.has(rel)) return this.#cache.get(rel)!;
    const type = TYPES[extname(rel)];
    let entry: Entry | null = null;
    if (type) {
      try {
        const raw = await readFile(join(this.root, rel));
        entry = { raw, gz: gzipSync(raw, { level: 9 }), type };
      } catch {
        entry = null;
      }
    }
    if (this.#cache.size < 1000) this.#cache.set(rel, entry);
    return entry;
  }

  /**
   * Serves the file for `pathname`, or returns false when there is none (a path that does not
   * decode names none). The reply is one buffer kept in memory, written once: node:http reads
   * no further request on the connection until the peer has taken it.
   */
  async serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
    const decoded = pathname === '/' ? '/index.html' : decodedPath(pathname);
    if (decoded === null) return false;
    let rel = decoded.slice(1);
    rel = normalize(rel);
    if (rel.startsWith('..') || rel.includes(`${sep}..`) || rel.startsWith(sep)) return false;
    if (extname(rel) === '') rel = `${rel}.html`;
    const entry = await this.#load(rel);
    if (!entry) return false;
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? entry.gz : entry.raw;
    res.writeHead(200, {
      'content-type': entry.type, 'content-length': body.length, 'cache-control': 'no-cache',
      vary: 'accept-encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }
}
