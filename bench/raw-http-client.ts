// The drop benchmark's load generator: a lean HTTP/1.1 client, so that the latency it reports is
// the server's and not its own. The client shares the machine's two cores with the server; the
// general client (sim/http-client.ts: node:http's parser, an Agent, a JSON parse of every reply
// and a timer per request) cost about as much CPU per request as the server it measured. Here
// each request is encoded once, before the race, to the bytes sent; a reply is framed by its
// Content-Length (or chunks), and only its status line, `Retry-After` and the few body fields
// the report needs are read. One connection per worker, opened before the race (the TCP connect
// is not timed), kept alive, one request in flight on it: a closed loop, as wrk's is.
import net from 'node:net';

/** One request's reply as the benchmark needs it; `kind` other than `reply`: no reply. */
export interface RawReply {
  readonly kind: 'reply' | 'timeout' | 'network';
  readonly status: number;
  /** `error.code` of a refusal (the first `"code":"..."` of the body), else null. */
  readonly code: string | null;
  /** `hold.quantity` of a `201` (the first `"quantity":n`), else 0. */
  readonly units: number;
  /** `Retry-After` (s) of a `503`, else 0. */
  readonly retryAfterS: number;
  /** performance.now() when the request's first byte was written and its reply's last read. */
  readonly sentAtMs: number;
  readonly repliedAtMs: number;
}

/** A request encoded once: the bytes written on the socket. */
export function encodeRequest(host: string, method: string, path: string,
  headers: Readonly<Record<string, string>>, body: unknown): Buffer {
  const payload = body === undefined ? '' : JSON.stringify(body);
  let head = `${method} ${path} HTTP/1.1\r\nhost: ${host}\r\naccept: application/json\r\n`;
  for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
  if (body !== undefined) {
    head += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(payload)}\r\n`;
  }
  return Buffer.from(`${head}\r\n${payload}`, 'utf8');
}

const CRLF2 = Buffer.from('\r\n\r\n');
const CODE = /"code":"([a-z_]+)"/;
const QUANTITY = /"quantity":(\d+)/;

/** Where one reply ends in `buf` (its length), or -1 when more bytes are needed. */
function replyLength(buf: Buffer, headEnd: number, head: string): number {
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) {
    const end = headEnd + Number(length[1]);
    return buf.length >= end ? end : -1;
  }
  if (!/\r\ntransfer-encoding:\s*chunked/i.test(head)) return headEnd;
  // Chunked: size lines until the zero-size chunk and its empty trailer.
  let at = headEnd;
  for (;;) {
    const line = buf.indexOf('\r\n', at);
    if (line < 0) return -1;
    const size = parseInt(buf.toString('latin1', at, line), 16);
    at = line + 2 + size + 2;
    if (buf.length < at) return -1;
    if (size === 0) return at;
  }
}

/** One kept-alive connection with at most one request in flight. */
export class RawConnection {
  #socket: net.Socket | null = null;
  #buf: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (r: RawReply) => void; sentAtMs: number } | null = null;

  constructor(private readonly port: number, private readonly host = '127.0.0.1') {}

  /** Opens the socket (before the race, so the connect is not timed). */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port: this.port, host: this.host, noDelay: true });
      s.once('connect', () => {
        this.#socket = s;
        resolve();
      });
      s.once('error', reject);
      s.on('data', (c: Buffer) => this.#read(c));
      s.on('error', () => this.#fail('network'));
      s.on('close', () => {
        if (this.#socket === s) this.#socket = null;
        this.#fail('network');
      });
    });
  }

  /** Sends one encoded request and resolves with its reply (never rejects). */
  async send(bytes: Buffer): Promise<RawReply> {
    if (this.#socket === null) {
      try {
        await this.open();
      } catch {
        const now = performance.now();
        return { kind: 'network', status: 0, code: null, units: 0, retryAfterS: 0,
          sentAtMs: now, repliedAtMs: now };
      }
    }
    return new Promise((resolve) => {
      this.#buf = Buffer.alloc(0);
      this.#waiting = { resolve, sentAtMs: performance.now() };
      this.#socket!.write(bytes);
    });
  }

  /** Ends a request in flight for longer than `timeoutMs` (the caller's sweep). */
  expire(timeoutMs: number): void {
    if (this.#waiting && performance.now() - this.#waiting.sentAtMs > timeoutMs) {
      this.#fail('timeout');
      this.#socket?.destroy();
    }
  }

  close(): void {
    this.#socket?.destroy();
    this.#socket = null;
  }

  #read(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const w = this.#waiting;
    if (!w) return;
    const headEnd = this.#buf.indexOf(CRLF2);
    if (headEnd < 0) return;
    const head = this.#buf.toString('latin1', 0, headEnd);
    const end = replyLength(this.#buf, headEnd + 4, head);
    if (end < 0) return;
    const status = Number(head.slice(9, 12));
    const body = status === 201 || status >= 400
      ? this.#buf.toString('utf8', headEnd + 4, end) : '';
    const retry = status === 503 ? /\r\nretry-after:\s*(\d+)/i.exec(head) : null;
    this.#waiting = null;
    this.#buf = Buffer.alloc(0);
    w.resolve({ kind: 'reply', status,
      code: status >= 400 ? CODE.exec(body)?.[1] ?? null : null,
      units: status === 201 ? Number(QUANTITY.exec(body)?.[1] ?? 0) : 0,
      retryAfterS: retry ? Number(retry[1]) : 0, sentAtMs: w.sentAtMs,
      repliedAtMs: performance.now() });
  }

  #fail(kind: 'timeout' | 'network'): void {
    const w = this.#waiting;
    if (!w) return;
    this.#waiting = null;
    w.resolve({ kind, status: 0, code: null, units: 0, retryAfterS: 0, sentAtMs: w.sentAtMs,
      repliedAtMs: performance.now() });
  }
}
