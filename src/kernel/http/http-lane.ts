// The lane: launchday's own HTTP/1.1 reader and writer for the JSON API, in front of node:http.
//
// In a stampede almost every request is a small JSON POST on a kept-alive connection. node:http
// spends about as much of the event loop on its streams and objects per request as on the
// request itself; the lane reads such requests straight off the socket and writes each reply
// in one piece. It takes only what it fully understands: an HTTP/1.1 request for an API route
// with a Content-Length body, or a GET of a page or script already in memory, with well-formed
// headers and no surprises. At the first request it
// does not take (a page, a live stream, chunked bodies, Expect, HTTP/1.0, a malformed or
// over-long head) it hands the connection, with every byte not yet answered, to node:http for
// good, which answers it, or refuses it, as it always did. The routes, and so the replies, are
// the same whichever side reads a request (http-app.ts).
//
// A connection costs the lane a bounded amount of memory whatever its peer does: it answers one
// request at a time, stops reading while more than `unreadBytesMax` wait unanswered, and stops
// answering (and reading) while the socket holds replies the peer has not taken ('drain').
// A head still arriving is held only while it could yet become one the lane takes; one already
// known to be malformed goes to node:http at once, which refuses it without waiting.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { defaultLimits, type Limits } from '../config.js';
import { endWithRefusal } from './client-errors.js';
import { utf8Text } from './http-io.js';
import type { JsonReply, LaneRoute, ReadyReply } from './http-app.js';
import { StormGuard, type StormLimits } from './storm-guard.js';

export interface LaneApi {
  /** The route of a request the lane may answer, or null when node:http must. */
  laneRoute(method: string, url: string): LaneRoute | null;
}

export interface LaneLimits {
  /** Longest request head (request line and headers), as node:http's own limit. */
  readonly headBytesMax: number;
  /** Most headers in one request. */
  readonly headersMax: number;
  /** An idle kept-alive connection is closed after this long, as node:http's keepAliveTimeout. */
  readonly keepAliveMs: number;
  /**
   * A request not received whole within this long is answered 408 and its connection closed,
   * as node:http's: the first from the connection's start (a connection that sends nothing is
   * closed then), a later one from its first byte.
   */
  readonly requestMs: number;
  /**
   * Bytes received and not yet answered beyond which the lane stops reading the connection
   * while it answers or waits for the peer to take its replies (Limits.connectionUnreadBytesMax).
   */
  readonly unreadBytesMax: number;
  /** The storm guard's trigger and window (storm-guard.ts; Limits.storm*). */
  readonly storm: StormLimits;
  /** How often the accept queue is read while connections arrive (Limits.stormProbeMs). */
  readonly stormProbeMs: number;
  /**
   * Held connections given their next request per event-loop turn at a window's end
   * (Limits.stormReleasePerTurn).
   */
  readonly stormReleasePerTurn: number;
}

/** The lane's limits from the Limits table (config.ts), where each is set and explained. */
export function laneLimitsOf(l: Limits): LaneLimits {
  return Object.freeze({ headBytesMax: l.requestHeadBytesMax, headersMax: l.requestHeadersMax,
    keepAliveMs: l.keepAliveMs, requestMs: l.requestTimeoutMs,
    unreadBytesMax: l.connectionUnreadBytesMax,
    storm: { queueMin: l.stormQueueMin, windowMs: l.stormWindowMs },
    stormProbeMs: l.stormProbeMs, stormReleasePerTurn: l.stormReleasePerTurn });
}

export const defaultLaneLimits: LaneLimits = laneLimitsOf(defaultLimits);

/** What the start of a connection's unread bytes holds. */
export type Head =
  | { readonly kind: 'incomplete' }
  /** Not for the lane: node:http reads it, and says what is wrong with it if anything is. */
  | { readonly kind: 'other' }
  | { readonly kind: 'request'; readonly method: string; readonly url: string;
      readonly headers: Readonly<Record<string, string>>; readonly route: LaneRoute;
      readonly headBytes: number; readonly bodyBytes: number; readonly close: boolean };

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE) (\/[!-~]*) HTTP\/1\.1$/;
const TARGET_START = /^(\/[!-~]*)?$/;
const TARGET = /^\/[!-~]*$/;
// The start of a header line: what HEADER_LINE would still accept once the line is complete.
const HEADER_START = /^[!#$%&'*+.^_`|~0-9A-Za-z-]*(:[\t\x20-\x7e\x80-\xff]*)?$/;
// A token name, a colon, and a value of visible characters, spaces and tabs (RFC 9110 5.5).
const HEADER_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+:[\t\x20-\x7e\x80-\xff]*$/;
const DIGITS = /^[0-9]{1,10}$/;
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** A header value without the spaces and tabs around it (and nothing else, unlike trim). */
function headerValue(line: string, from: number): string {
  let start = from;
  let end = line.length;
  while (start < end && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--;
  return line.slice(start, end);
}

/** Whether `part`, the start of a request line not yet ended, can still become a REQUEST_LINE. */
function requestLineMayBe(part: string): boolean {
  const [method = '', target, version, ...more] = part.split(' ');
  if (more.length > 0) return false;
  if (target === undefined) return METHODS.some((m) => m.startsWith(method));
  if (!METHODS.includes(method)) return false;
  if (version === undefined) return TARGET_START.test(target);
  return TARGET.test(target) && 'HTTP/1.1'.startsWith(version);
}

/**
 * Whether a head not yet ended (no blank line yet) could still become one the lane takes:
 * each ended line well-formed, the line under way a possible start of one, no more headers
 * than allowed. Bytes no request head may hold (a NUL, a bare LF or CR, a control character)
 * make it false at once, so the connection goes to node:http, which refuses it there and then
 * rather than after the request timeout.
 */
function headMayBe(buf: Buffer, limits: LaneLimits): boolean {
  const text = buf.toString('latin1');
  let from = 0;
  for (let line = 0; line <= limits.headersMax; line++) {
    const at = text.indexOf('\r\n', from);
    if (at < 0) {
      // The line under way; a CR at its very end may be the first half of its CRLF.
      const part = text.endsWith('\r') ? text.slice(from, -1) : text.slice(from);
      return line === 0 ? requestLineMayBe(part) : HEADER_START.test(part);
    }
    const complete = text.slice(from, at);
    if (!(line === 0 ? REQUEST_LINE.test(complete) : HEADER_LINE.test(complete))) return false;
    from = at + 2;
  }
  return false;
}

/**
 * Reads the request at the start of `buf`, if it is one the lane takes. Anything it is not
 * sure of is 'other', never an error: node:http then reads the same bytes.
 */
export function parseHead(buf: Buffer, limits: LaneLimits,
  routeOf: (method: string, url: string) => LaneRoute | null): Head {
  const end = buf.indexOf(CRLFCRLF);
  if (end < 0) {
    return buf.length < limits.headBytesMax && headMayBe(buf, limits)
      ? { kind: 'incomplete' } : { kind: 'other' };
  }
  if (end + 4 > limits.headBytesMax) return { kind: 'other' };
  const head = buf.toString('latin1', 0, end);
  let at = head.indexOf('\r\n');
  const start = REQUEST_LINE.exec(at < 0 ? head : head.slice(0, at));
  if (start === null) return { kind: 'other' };
  // No prototype: a header named "constructor" or "__proto__" is only a header.
  const headers: Record<string, string> = Object.create(null);
  let count = 0;
  while (at >= 0) {
    const from = at + 2;
    at = head.indexOf('\r\n', from);
    const line = at < 0 ? head.slice(from) : head.slice(from, at);
    if (++count > limits.headersMax || !HEADER_LINE.test(line)) return { kind: 'other' };
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    // Repeated headers have merging rules of their own: node:http applies them.
    if (headers[name] !== undefined) return { kind: 'other' };
    headers[name] = headerValue(line, colon + 1);
  }
  if (headers.host === undefined || headers['transfer-encoding'] !== undefined
    || headers.expect !== undefined || headers.upgrade !== undefined) {
    return { kind: 'other' };
  }
  const connection = headers.connection?.toLowerCase();
  if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close') {
    return { kind: 'other' };
  }
  const length = headers['content-length'] ?? '0';
  if (!DIGITS.test(length)) return { kind: 'other' };
  const method = start[1]!;
  const url = start[2]!;
  const route = routeOf(method, url);
  const bodyBytes = Number(length);
  if (route === null || bodyBytes > route.bodyLimit) return { kind: 'other' };
  return { kind: 'request', method, url, headers, route, headBytes: end + 4, bodyBytes,
    close: connection === 'close' };
}

let dateSecond = -1;
let dateText = '';
/** The Date header's value, formatted once a second as node:http does. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateText = new Date(now).toUTCString();
  }
  return dateText;
}

/**
 * A JSON reply's status line and the same headers node:http would send, ending in the blank
 * line. A 304 has no body, so neither type nor length; a reply naming its own cache-control
 * (a prepared read) has that instead of `no-store`.
 */
export function renderHead(reply: JsonReply, close: boolean, keepAliveSeconds: number): string {
  let head = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\n`;
  const time = reply.headers['x-server-time'];
  if (time !== undefined) head += `x-server-time: ${time}\r\n`;
  if (reply.status !== 304) {
    // A page or script served by the lane names its own type (static-files.ts).
    if (reply.headers['content-type'] === undefined) {
      head += 'content-type: application/json; charset=utf-8\r\n';
    }
    head += `content-length: ${Buffer.byteLength(reply.body)}\r\n`;
  }
  if (reply.headers['cache-control'] === undefined) head += 'cache-control: no-store\r\n';
  for (const name in reply.headers) {
    if (name !== 'x-server-time') head += `${name}: ${reply.headers[name]}\r\n`;
  }
  head += `Date: ${httpDate()}\r\n`;
  head += close ? 'Connection: close\r\n'
    : `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n`;
  return `${head}\r\n`;
}

/** A JSON reply with a text body in one piece: its head, then its body. */
export function renderReply(reply: JsonReply, close: boolean, keepAliveSeconds: number): string {
  return renderHead(reply, close, keepAliveSeconds) + (reply.status === 304 ? '' : reply.body);
}

/**
 * What a ready reply's bytes after its status line and request id were last rendered as, kept
 * per fixed-headers object (one per version and encoding of a prepared read or a file): the
 * same for every reply of one millisecond (X-Server-Time, and the body's own time), one second
 * (Date) and one connection header. At thousands of reads a second most replies copy it whole.
 */
interface ReadyTail {
  readonly body: Buffer | null;
  readonly timeIso: string;
  readonly date: string;
  readonly close: boolean;
  readonly bytes: Buffer;
}
const readyTails = new WeakMap<object, ReadyTail>();

/**
 * A ready reply as two buffers, written together (writev): the status line and request id, new
 * for each reply, then the rest of the head and the body as last rendered for the same headers
 * object, time and date (the headers renderHead writes, in the same order but for those two).
 * Not copied into one: a 7 KB buffer per reply is allocated outside node's pool, and the
 * garbage collector's share of a launch read rose from 5% to 17% of the event loop.
 */
export function renderReady(reply: ReadyReply, close: boolean, keepAliveSeconds: number):
  [Buffer, Buffer] {
  const date = httpDate();
  let tail = readyTails.get(reply.headers);
  if (tail === undefined || tail.body !== reply.body || tail.timeIso !== reply.timeIso
    || tail.date !== date || tail.close !== close) {
    let text = `x-server-time: ${reply.timeIso}\r\n`;
    if (reply.body !== null) {
      if (reply.headers['content-type'] === undefined) {
        text += 'content-type: application/json; charset=utf-8\r\n';
      }
      text += `content-length: ${reply.body.length}\r\n`;
    }
    if (reply.headers['cache-control'] === undefined) text += 'cache-control: no-store\r\n';
    for (const name in reply.headers) text += `${name}: ${reply.headers[name]}\r\n`;
    text += `Date: ${date}\r\n`;
    text += close ? 'Connection: close\r\n\r\n'
      : `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n\r\n`;
    const head = Buffer.from(text, 'latin1');
    tail = { body: reply.body, timeIso: reply.timeIso, date, close,
      bytes: reply.body === null ? head : Buffer.concat([head, reply.body]) };
    readyTails.set(reply.headers, tail);
  }
  return [Buffer.from(`HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status]}\r\n`
    + `x-request-id: ${reply.requestId}\r\n`, 'latin1'), tail.bytes];
}

/**
 * How the lane sees time, injected so that a test can move the clock and fire the timers
 * itself: `nowMs` is a monotonic clock, `later` a timer, `every` a repeating one, `soon` the
 * next turn.
 */
export interface LaneTiming {
  /** Runs `f` after this event-loop turn's I/O (setImmediate). */
  readonly soon: (f: () => void) => void;
  readonly nowMs: () => number;
  readonly later: (f: () => void, ms: number) => { unref?: () => unknown };
  readonly every: (f: () => void, ms: number) => { unref?: () => unknown };
}

/**
 * Idle connections are looked for this many times per keep-alive time: one closes between
 * keepAliveMs and keepAliveMs plus one part after its last activity, never before.
 */
const IDLE_SWEEP_PARTS = 8;

const realTiming: LaneTiming = {
  soon: (f) => { setImmediate(f); },
  nowMs: () => performance.now(),
  later: (f, ms) => setTimeout(f, ms),
  every: (f, ms) => setInterval(f, ms),
};

export class HttpLane {
  readonly #open = new Set<LaneConnection>();
  #closing = false;
  /** Requests the lane answered, and connections it gave to node:http. */
  answered = 0;
  handedOver = 0;
  /** New connections first while the accept queue is long; null when off (storm-guard.ts). */
  readonly storm: StormGuard | null;
  /** Connections accepted since the accept queue was last read. */
  #accepted = 0;
  /** Requests begun on kept-alive connections (not their first) since then: what could be held. */
  keptRequests = 0;
  #queue: (() => number | null) | null = null;
  /** Kept-alive connections waiting for the next storm window to begin their next request. */
  readonly #held = new Set<LaneConnection>();
  #releaseTimer = false;
  /** Held connections of the window just ended, given their next request a few per turn. */
  #releasing: LaneConnection[] = [];
  /** Connections held for a storm window since start (for the metrics and the tests). */
  held = 0;
  /**
   * Sweeps for idle connections so far. A connection notes the count at its last activity; one
   * sweep every keepAliveMs / IDLE_SWEEP_PARTS closes those idle for `#idleSweepsMax` sweeps
   * (one timer for all, rather than a socket timer per connection re-armed around every reply:
   * cheaper for each new connection and each order, docs/benchmarks.md, "Session 13").
   */
  sweeps = 0;
  readonly #idleSweepsMax: number;
  /** The idle sweep's and the queue probe's intervals, stopped by close(). */
  #timers: Array<{ unref?: () => unknown }> = [];

  /** `handOver` gives a socket, its unread bytes put back, to node:http's connection listener. */
  constructor(readonly api: LaneApi, readonly handOver: (socket: Socket) => void,
    readonly limits: LaneLimits = defaultLaneLimits, readonly timing: LaneTiming = realTiming) {
    this.storm = limits.storm.queueMin > 0 ? new StormGuard(limits.storm, timing.nowMs)
      : null;
    const sweepMs = Math.max(1, Math.ceil(limits.keepAliveMs / IDLE_SWEEP_PARTS));
    this.#idleSweepsMax = Math.ceil(limits.keepAliveMs / sweepMs);
    // It never keeps a stopping process alive, and close() stops it.
    const t = timing.every(this.#sweep, sweepMs);
    t.unref?.();
    this.#timers.push(t);
  }

  /**
   * Closes the connections idle for the keep-alive time (no request being answered, nothing
   * received, no reply taken by the peer): a peer that stopped reading its replies would
   * otherwise hold its socket for ever.
   */
  readonly #sweep = (): void => {
    this.sweeps++;
    const activeBefore = this.sweeps - this.#idleSweepsMax;
    for (const c of this.#open) c.closeIfIdle(activeBefore);
  };

  /**
   * Reads the listener's accept queue with `read` (listen-queue.ts) every stormProbeMs while
   * connections arrive or a storm lasts, for the storm guard. Once, after the server listens.
   */
  watchQueue(read: () => number | null): void {
    if (this.storm === null || this.#queue !== null) return;
    this.#queue = read;
    const t = this.timing.every(this.#probe, this.limits.stormProbeMs);
    t.unref?.();
    this.#timers.push(t);
  }

  readonly #probe = (): void => {
    // Read only when it could matter: connections arrive, and kept-alive ones have requests
    // the guard could hold (in a storm of new connections alone there is nothing to hold, and
    // a read costs 50-800 us while the kernel takes the storm).
    const idle = this.#accepted === 0 || this.keptRequests === 0;
    if (this.#closing || (idle && !this.storm!.storm)) return;
    this.#accepted = 0;
    this.keptRequests = 0;
    const length = this.#queue!();
    if (length !== null) this.storm!.queueRead(length);
  };

  accept(socket: Socket): void {
    if (this.#closing) {
      socket.destroy();
      return;
    }
    this.#accepted++;
    this.#open.add(new LaneConnection(this, socket));
  }

  /** `c` may not begin its next request in this storm window: it is given one at the next. */
  hold(c: LaneConnection): void {
    if (this.#held.has(c)) return;
    this.#held.add(c);
    this.held++;
    if (this.#releaseTimer) return;
    this.#releaseTimer = true;
    // One timer for all of them; it never keeps a stopping process alive.
    this.timing.later(this.#release, this.storm!.msToNextWindow()).unref?.();
  }

  readonly #release = (): void => {
    this.#releaseTimer = false;
    const starting = this.#releasing.length === 0;
    this.#releasing.push(...this.#held);
    this.#held.clear();
    if (starting) this.#releaseSome();
  };

  /**
   * Gives the held connections their next request a few per event-loop turn, not all in one:
   * node accepts one connection per turn, and a turn that answered 256 orders at once (30 ms
   * of the event loop) would accept one connection in that time.
   */
  readonly #releaseSome = (): void => {
    const some = this.#releasing.splice(0, this.limits.stormReleasePerTurn);
    for (const c of some) c.release();
    if (this.#releasing.length > 0) this.timing.soon(this.#releaseSome);
  };

  /** Stops taking connections; idle ones close now, busy ones once their reply is written. */
  close(): void {
    this.#closing = true;
    // A stopped lane's timers would keep it, and the app it serves, reachable for ever (a test
    // process starts and stops many). A test's own `every` handles are not timers: ignored.
    for (const t of this.#timers) clearInterval(t as NodeJS.Timeout);
    this.#timers = [];
    for (const c of this.#open) c.closeWhenIdle();
  }

  get closing(): boolean {
    return this.#closing;
  }

  forget(c: LaneConnection): void {
    this.#open.delete(c);
    this.#held.delete(c);
  }
}

class LaneConnection {
  /** Bytes received and not yet answered. */
  #buf: Buffer | null = null;
  #busy = false;
  /** A reply written is waiting in the socket for the peer to take it ('drain'). */
  #draining = false;
  #gone = false;
  /** The peer has sent its last byte (FIN): once what it sent is answered, nothing more comes. */
  #peerEnded = false;
  /**
   * Runs out when a request begun has not arrived whole in time, however it trickles in; for
   * the first request, counted from the connection's start, so that one that sends nothing is
   * closed then too (as node:http does), not after the keep-alive time.
   */
  #deadline: NodeJS.Timeout | null = null;
  /** The storm window its last request began in; null before its first (storm-guard.ts). */
  #window: number | null = null;
  /** The lane's sweep count at its last activity (HttpLane `sweeps`). */
  #activeSweep: number;

  constructor(readonly lane: HttpLane, readonly socket: Socket) {
    this.#activeSweep = lane.sweeps;
    // A connection that never sends a byte held its socket (and a place under the per-address
    // cap) for the keep-alive time, 65 s, not the request time: 30 s.
    this.#deadline = setTimeout(this.#onLate, lane.limits.requestMs);
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
    socket.on('end', this.#onEnd);
  }

  /**
   * Idle for the keep-alive time (its last activity before sweep `activeBefore`, and no
   * request being answered), or a peer that took none of its replies for as long: closed.
   */
  closeIfIdle(activeBefore: number): void {
    if (!this.#busy && this.#activeSweep < activeBefore) this.socket.destroy();
  }

  /** A storm window has passed: it may begin its next request (http-lane.ts `hold`). */
  release(): void {
    if (this.#gone || this.#busy || this.#draining) return;
    if (this.socket.isPaused()) this.socket.resume();
    this.#next();
  }

  closeWhenIdle(): void {
    if (this.#busy || this.#gone) return;
    // Nothing more is read or answered on it, including what a peer not yet drained sent.
    this.#gone = true;
    this.socket.end();
  }

  readonly #onData = (chunk: Buffer): void => {
    this.#activeSweep = this.lane.sweeps;
    // Closing or closed (a 408, the last reply, a shutdown): what else arrives is not read.
    if (this.#gone) return;
    this.#buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk]);
    if (!this.#busy && !this.#draining) {
      this.#next();
      return;
    }
    // A client far ahead of its replies waits until it has read them.
    if (this.#buf.length > this.lane.limits.unreadBytesMax) this.socket.pause();
  };

  /** The peer has taken the replies written so far: read and answer again. */
  readonly #onDrain = (): void => {
    this.#draining = false;
    this.#activeSweep = this.lane.sweeps;
    if (this.#gone) return;
    if (this.socket.isPaused()) this.socket.resume();
    this.#next();
  };

  readonly #onError = (): void => {
    this.socket.destroy();
  };

  // node:http's server is half-open (allowHalfOpen): without this a peer that closed its side,
  // as every client not keeping the connection alive does after its reply, would leave the
  // socket (and its file descriptor) open until the keep-alive timeout.
  readonly #onEnd = (): void => {
    this.#peerEnded = true;
    this.#endIfDone();
  };

  /** Ends a connection whose peer has ended, once nothing it sent is still being answered. */
  #endIfDone(): void {
    if (!this.#peerEnded || this.#gone || this.#busy || this.#draining) return;
    this.#gone = true;
    this.#clearDeadline();
    this.socket.end();
  }

  readonly #onClose = (): void => {
    this.#gone = true;
    this.#clearDeadline();
    this.lane.forget(this);
  };

  readonly #onLate = (): void => {
    this.#deadline = null;
    if (this.#gone || this.#busy) return;
    this.#gone = true;
    endWithRefusal(this.socket, 'request_timeout');
  };

  #clearDeadline(): void {
    if (this.#deadline !== null) clearTimeout(this.#deadline);
    this.#deadline = null;
  }

  /**
   * Answers the requests that have arrived whole, or hands the connection over. A reply ready
   * at once (a prepared read, a file) is written here and the next request read in the same
   * turn; any other is answered when its handler's promise settles (#reply), which comes back.
   */
  #next(): void {
    for (;;) {
      if (this.#buf === null || this.#gone) return this.#endIfDone();
      const { storm } = this.lane;
      if (storm !== null && !storm.mayBegin(this.#window)) {
        // Read no further: its bytes wait in the kernel until the next window.
        this.socket.pause();
        this.lane.hold(this);
        return;
      }
      const head = parseHead(this.#buf, this.lane.limits,
        (method, url) => this.lane.api.laneRoute(method, url));
      if (head.kind === 'other') return this.#handOver();
      const total = head.kind === 'request' ? head.headBytes + head.bodyBytes : Infinity;
      if (this.#buf.length < total) {
        this.#deadline ??= setTimeout(this.#onLate, this.lane.limits.requestMs);
        return this.#endIfDone();
      }
      if (head.kind !== 'request') return;
      this.#clearDeadline();
      if (storm !== null) {
        if (this.#window !== null) this.lane.keptRequests++;
        this.#window = storm.window();
      }
      const ready = head.route.ready?.(head.headers) ?? null;
      if (ready !== null) {
        this.#buf = this.#buf.length === total ? null : this.#buf.subarray(total);
        this.lane.answered++;
        const [start, rest] = renderReady(ready, head.close || this.lane.closing,
          this.#keepAliveSeconds());
        this.socket.cork();
        this.socket.write(start);
        const taken = this.socket.write(rest);
        this.socket.uncork();
        if (!this.#written(taken, head.close)) return;
        continue;
      }
      const body = utf8Text(this.#buf.subarray(head.headBytes, total));
      this.#buf = this.#buf.length === total ? null : this.#buf.subarray(total);
      this.#busy = true;
      head.route.answer(head.headers, body, this.socket.remoteAddress)
        .then((reply) => this.#reply(reply, head.close), () => this.socket.destroy());
      return;
    }
  }

  #keepAliveSeconds(): number {
    return Math.round(this.lane.limits.keepAliveMs / 1000);
  }

  /**
   * After a reply is written (`taken`: the socket took it under its high-water mark): ends a
   * connection whose reply was its last, or waits for the peer to read. True when the next
   * request may be answered now.
   */
  #written(taken: boolean, close: boolean): boolean {
    if (close || this.lane.closing) {
      this.socket.end();
      this.#gone = true;
      return false;
    }
    if (!taken) {
      // The socket holds more than its high-water mark the peer has not read: answering the
      // next request would only pile up replies in memory (a client that pipelines thousands
      // and never reads). Read and answer nothing more until the peer takes them; if it
      // takes nothing for the keep-alive time, the idle sweep closes the connection.
      this.#draining = true;
      this.socket.pause();
      this.socket.once('drain', this.#onDrain);
      return false;
    }
    if (this.socket.isPaused()) this.socket.resume();
    return true;
  }

  #reply(reply: JsonReply, close: boolean): void {
    this.#busy = false;
    this.lane.answered++;
    if (this.#gone) return;
    const last = close || this.lane.closing;
    const keepAliveSeconds = this.#keepAliveSeconds();
    let taken: boolean;
    if (typeof reply.body === 'string') {
      taken = this.socket.write(renderReply(reply, last, keepAliveSeconds), 'utf8');
    } else {
      // Compressed bytes: head and body leave in one write (writev) all the same.
      this.socket.cork();
      this.socket.write(renderHead(reply, last, keepAliveSeconds), 'utf8');
      taken = this.socket.write(reply.body);
      this.socket.uncork();
    }
    this.#activeSweep = this.lane.sweeps;
    if (this.#written(taken, last)) this.#next();
  }

  /** Gives the connection to node:http with the bytes not yet answered, for good. */
  #handOver(): void {
    const { socket } = this;
    this.#gone = true;
    this.lane.forget(this);
    this.lane.handedOver++;
    socket.removeListener('data', this.#onData);
    socket.removeListener('error', this.#onError);
    socket.removeListener('close', this.#onClose);
    socket.removeListener('end', this.#onEnd);
    this.#clearDeadline();
    socket.pause();
    if (this.#buf !== null) socket.unshift(this.#buf);
    this.#buf = null;
    this.lane.handOver(socket);
    socket.resume();
  }
}
