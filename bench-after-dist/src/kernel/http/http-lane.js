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
import { endWithRefusal } from './client-errors.js';
export const defaultLaneLimits = Object.freeze({
    headBytesMax: 16 * 1024, headersMax: 64, keepAliveMs: 65_000, requestMs: 30_000,
    unreadBytesMax: 64 * 1024,
});
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
function headerValue(line, from) {
    let start = from;
    let end = line.length;
    while (start < end && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9))
        start++;
    while (end > start && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9))
        end--;
    return line.slice(start, end);
}
/** Whether `part`, the start of a request line not yet ended, can still become a REQUEST_LINE. */
function requestLineMayBe(part) {
    const [method = '', target, version, ...more] = part.split(' ');
    if (more.length > 0)
        return false;
    if (target === undefined)
        return METHODS.some((m) => m.startsWith(method));
    if (!METHODS.includes(method))
        return false;
    if (version === undefined)
        return TARGET_START.test(target);
    return TARGET.test(target) && 'HTTP/1.1'.startsWith(version);
}
/**
 * Whether a head not yet ended (no blank line yet) could still become one the lane takes:
 * each ended line well-formed, the line under way a possible start of one, no more headers
 * than allowed. Bytes no request head may hold (a NUL, a bare LF or CR, a control character)
 * make it false at once, so the connection goes to node:http, which refuses it there and then
 * rather than after the request timeout.
 */
function headMayBe(buf, limits) {
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
        if (!(line === 0 ? REQUEST_LINE.test(complete) : HEADER_LINE.test(complete)))
            return false;
        from = at + 2;
    }
    return false;
}
/**
 * Reads the request at the start of `buf`, if it is one the lane takes. Anything it is not
 * sure of is 'other', never an error: node:http then reads the same bytes.
 */
export function parseHead(buf, limits, routeOf) {
    const end = buf.indexOf(CRLFCRLF);
    if (end < 0) {
        return buf.length < limits.headBytesMax && headMayBe(buf, limits)
            ? { kind: 'incomplete' } : { kind: 'other' };
    }
    if (end + 4 > limits.headBytesMax)
        return { kind: 'other' };
    const head = buf.toString('latin1', 0, end);
    let at = head.indexOf('\r\n');
    const start = REQUEST_LINE.exec(at < 0 ? head : head.slice(0, at));
    if (start === null)
        return { kind: 'other' };
    // No prototype: a header named "constructor" or "__proto__" is only a header.
    const headers = Object.create(null);
    let count = 0;
    while (at >= 0) {
        const from = at + 2;
        at = head.indexOf('\r\n', from);
        const line = at < 0 ? head.slice(from) : head.slice(from, at);
        if (++count > limits.headersMax || !HEADER_LINE.test(line))
            return { kind: 'other' };
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).toLowerCase();
        // Repeated headers have merging rules of their own: node:http applies them.
        if (headers[name] !== undefined)
            return { kind: 'other' };
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
    if (!DIGITS.test(length))
        return { kind: 'other' };
    const method = start[1];
    const url = start[2];
    const route = routeOf(method, url);
    const bodyBytes = Number(length);
    if (route === null || bodyBytes > route.bodyLimit)
        return { kind: 'other' };
    return { kind: 'request', method, url, headers, route, headBytes: end + 4, bodyBytes,
        close: connection === 'close' };
}
let dateSecond = -1;
let dateText = '';
/** The Date header's value, formatted once a second as node:http does. */
function httpDate() {
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
export function renderHead(reply, close, keepAliveSeconds) {
    let head = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? ''}\r\n`;
    const time = reply.headers['x-server-time'];
    if (time !== undefined)
        head += `x-server-time: ${time}\r\n`;
    if (reply.status !== 304) {
        // A page or script served by the lane names its own type (static-files.ts).
        if (reply.headers['content-type'] === undefined) {
            head += 'content-type: application/json; charset=utf-8\r\n';
        }
        head += `content-length: ${Buffer.byteLength(reply.body)}\r\n`;
    }
    if (reply.headers['cache-control'] === undefined)
        head += 'cache-control: no-store\r\n';
    for (const name in reply.headers) {
        if (name !== 'x-server-time')
            head += `${name}: ${reply.headers[name]}\r\n`;
    }
    head += `Date: ${httpDate()}\r\n`;
    head += close ? 'Connection: close\r\n'
        : `Connection: keep-alive\r\nKeep-Alive: timeout=${keepAliveSeconds}\r\n`;
    return `${head}\r\n`;
}
/** A JSON reply with a text body in one piece: its head, then its body. */
export function renderReply(reply, close, keepAliveSeconds) {
    return renderHead(reply, close, keepAliveSeconds) + (reply.status === 304 ? '' : reply.body);
}
export class HttpLane {
    api;
    handOver;
    limits;
    #open = new Set();
    #closing = false;
    /** Requests the lane answered, and connections it gave to node:http. */
    answered = 0;
    handedOver = 0;
    /** `handOver` gives a socket, its unread bytes put back, to node:http's connection listener. */
    constructor(api, handOver, limits = defaultLaneLimits) {
        this.api = api;
        this.handOver = handOver;
        this.limits = limits;
    }
    accept(socket) {
        if (this.#closing) {
            socket.destroy();
            return;
        }
        this.#open.add(new LaneConnection(this, socket));
    }
    /** Stops taking connections; idle ones close now, busy ones once their reply is written. */
    close() {
        this.#closing = true;
        for (const c of this.#open)
            c.closeWhenIdle();
    }
    get closing() {
        return this.#closing;
    }
    forget(c) {
        this.#open.delete(c);
    }
}
class LaneConnection {
    lane;
    socket;
    /** Bytes received and not yet answered. */
    #buf = null;
    #busy = false;
    /** A reply written is waiting in the socket for the peer to take it ('drain'). */
    #draining = false;
    #gone = false;
    /** The peer has sent its last byte (FIN): once what it sent is answered, nothing more comes. */
    #peerEnded = false;
    /** Runs out when a request begun has not arrived whole in time, however it trickles in. */
    #deadline = null;
    constructor(lane, socket) {
        this.lane = lane;
        this.socket = socket;
        socket.on('data', this.#onData);
        socket.on('error', this.#onError);
        socket.on('close', this.#onClose);
        socket.on('end', this.#onEnd);
        socket.setTimeout(lane.limits.keepAliveMs, this.#onTimeout);
    }
    closeWhenIdle() {
        if (this.#busy || this.#gone)
            return;
        // Nothing more is read or answered on it, including what a peer not yet drained sent.
        this.#gone = true;
        this.socket.end();
    }
    #onData = (chunk) => {
        // Closing or closed (a 408, the last reply, a shutdown): what else arrives is not read.
        if (this.#gone)
            return;
        this.#buf = this.#buf === null ? chunk : Buffer.concat([this.#buf, chunk]);
        if (!this.#busy && !this.#draining) {
            this.#next();
            return;
        }
        // A client far ahead of its replies waits until it has read them.
        if (this.#buf.length > this.lane.limits.unreadBytesMax)
            this.socket.pause();
    };
    /** The peer has taken the replies written so far: read and answer again. */
    #onDrain = () => {
        this.#draining = false;
        if (this.#gone)
            return;
        if (this.socket.isPaused())
            this.socket.resume();
        this.#next();
    };
    #onError = () => {
        this.socket.destroy();
    };
    // node:http's server is half-open (allowHalfOpen): without this a peer that closed its side,
    // as every client not keeping the connection alive does after its reply, would leave the
    // socket (and its file descriptor) open until the keep-alive timeout.
    #onEnd = () => {
        this.#peerEnded = true;
        this.#endIfDone();
    };
    /** Ends a connection whose peer has ended, once nothing it sent is still being answered. */
    #endIfDone() {
        if (!this.#peerEnded || this.#gone || this.#busy || this.#draining)
            return;
        this.#gone = true;
        this.#clearDeadline();
        this.socket.end();
    }
    #onClose = () => {
        this.#gone = true;
        this.#clearDeadline();
        this.lane.forget(this);
    };
    /** Idle for the keep-alive time, or a peer that took none of its replies for as long. */
    #onTimeout = () => {
        if (!this.#busy)
            this.socket.destroy();
    };
    #onLate = () => {
        this.#deadline = null;
        if (this.#gone || this.#busy)
            return;
        this.#gone = true;
        endWithRefusal(this.socket, 'request_timeout');
    };
    #clearDeadline() {
        if (this.#deadline !== null)
            clearTimeout(this.#deadline);
        this.#deadline = null;
    }
    /** Answers the next request if it has arrived whole, or hands the connection over. */
    #next() {
        if (this.#buf === null || this.#gone)
            return this.#endIfDone();
        const head = parseHead(this.#buf, this.lane.limits, (method, url) => this.lane.api.laneRoute(method, url));
        if (head.kind === 'other')
            return this.#handOver();
        const total = head.kind === 'request' ? head.headBytes + head.bodyBytes : Infinity;
        if (this.#buf.length < total) {
            this.#deadline ??= setTimeout(this.#onLate, this.lane.limits.requestMs);
            return this.#endIfDone();
        }
        if (head.kind !== 'request')
            return;
        this.#clearDeadline();
        const body = this.#buf.toString('utf8', head.headBytes, total);
        this.#buf = this.#buf.length === total ? null : this.#buf.subarray(total);
        this.#busy = true;
        this.socket.setTimeout(0);
        head.route.answer(head.headers, body, this.socket.remoteAddress)
            .then((reply) => this.#reply(reply, head.close), () => this.socket.destroy());
    }
    #reply(reply, close) {
        this.#busy = false;
        this.lane.answered++;
        if (this.#gone)
            return;
        const last = close || this.lane.closing;
        const keepAliveSeconds = Math.round(this.lane.limits.keepAliveMs / 1000);
        let taken;
        if (typeof reply.body === 'string') {
            taken = this.socket.write(renderReply(reply, last, keepAliveSeconds), 'utf8');
        }
        else {
            // Compressed bytes: head and body leave in one write (writev) all the same.
            this.socket.cork();
            this.socket.write(renderHead(reply, last, keepAliveSeconds), 'utf8');
            taken = this.socket.write(reply.body);
            this.socket.uncork();
        }
        if (last) {
            this.socket.end();
            this.#gone = true;
            return;
        }
        this.socket.setTimeout(this.lane.limits.keepAliveMs);
        if (!taken) {
            // The socket holds more than its high-water mark the peer has not read: answering the
            // next request would only pile up replies in memory (a client that pipelines thousands
            // and never reads). Read and answer nothing more until the peer takes them; if it
            // takes nothing for the keep-alive time, the timeout closes the connection.
            this.#draining = true;
            this.socket.pause();
            this.socket.once('drain', this.#onDrain);
            return;
        }
        if (this.socket.isPaused())
            this.socket.resume();
        this.#next();
    }
    /** Gives the connection to node:http with the bytes not yet answered, for good. */
    #handOver() {
        const { socket } = this;
        this.#gone = true;
        this.lane.forget(this);
        this.lane.handedOver++;
        socket.removeListener('data', this.#onData);
        socket.removeListener('error', this.#onError);
        socket.removeListener('close', this.#onClose);
        socket.removeListener('end', this.#onEnd);
        socket.setTimeout(0);
        socket.removeListener('timeout', this.#onTimeout);
        this.#clearDeadline();
        socket.pause();
        if (this.#buf !== null)
            socket.unshift(this.#buf);
        this.#buf = null;
        this.lane.handOver(socket);
        socket.resume();
    }
}
//# sourceMappingURL=http-lane.js.map