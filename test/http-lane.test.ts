// The lane (src/kernel/http/http-lane.ts) against node:http: the same requests get the same replies
// whichever side reads them; the lane takes only what it understands and gives the rest, with
// every unread byte, to node:http; it keeps replies in order however the bytes arrive.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../src/kernel/config.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import {
  defaultLaneLimits, HttpLane, parseHead, type LaneApi, type LaneLimits,
} from '../src/kernel/http/http-lane.js';
import type { LaneRoute } from '../src/kernel/http/http-app.js';
import { silentLogger } from '../src/kernel/logger.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ADMIN } from './harness.js';

interface RawReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A client that writes raw bytes and reads HTTP/1.1 replies with a Content-Length. */
class RawClient {
  readonly socket: Socket;
  #buf = Buffer.alloc(0);
  #waiting: Array<() => void> = [];
  closed = false;

  constructor(port: number) {
    this.socket = connect(port, '127.0.0.1');
    this.socket.on('data', (c: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, c]);
      for (const w of this.#waiting.splice(0)) w();
    });
    this.socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiting.splice(0)) w();
    });
  }

  send(text: string): void {
    this.socket.write(text);
  }

  async reply(): Promise<RawReply> {
    for (;;) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end >= 0) {
        const lines = this.#buf.toString('latin1', 0, end).split('\r\n');
        const headers: Record<string, string> = {};
        for (const l of lines.slice(1)) {
          const at = l.indexOf(':');
          headers[l.slice(0, at).toLowerCase()] = l.slice(at + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        if (this.#buf.length >= end + 4 + length) {
          const body = this.#buf.toString('utf8', end + 4, end + 4 + length);
          this.#buf = this.#buf.subarray(end + 4 + length);
          return { status: Number(lines[0]!.split(' ')[1]), headers, body };
        }
      }
      if (this.closed) throw new Error(`connection closed; unread: ${this.#buf.toString()}`);
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

function request(method: string, path: string, opts: { token?: string; body?: string;
  headers?: Record<string, string> } = {}): string {
  const headers: Record<string, string> = { host: 'launchday.test', ...opts.headers };
  if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    headers['content-length'] = String(Buffer.byteLength(opts.body));
  }
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${opts.body ?? ''}`;
}

/** A reply with what differs from one request to the next (ids, times, keys) masked. */
function masked(r: RawReply): unknown {
  const headers = { ...r.headers };
  delete headers.date;
  delete headers['x-server-time'];
  // Each reply has a request id of its own, new unless the client sent one (test/obs.test.ts).
  assert.match(headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  delete headers['x-request-id'];
  return { status: r.status, headers,
    body: r.body.replace(/"(ord|acc|dep|ldt)_[A-Za-z0-9_-]+"/g, '"$1_*"')
      .replace(/buyer:acc_[A-Za-z0-9_-]+/g, 'buyer:acc_*')
      .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'T') };
}

const limits = (over: Partial<LaneLimits> = {}): LaneLimits => ({ ...defaultLaneLimits, ...over });
/** API paths only, with a 100-byte body limit; the reply echoes the path and the body. */
const apiOnly = (_method: string, url: string): LaneRoute | null => (url.startsWith('/api/')
  ? { bodyLimit: 100, answer: async (_headers, body) => ({ status: 200, headers: {},
    body: JSON.stringify({ url, body: body.ok ? body.value : body.code }) }) }
  : null);

describe('the lane reads a request head', () => {
  const cases: Array<[string, string, string]> = [
    ['a plain POST', 'POST /api/v1/orders HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n{}',
      'request'],
    ['a head still arriving', 'POST /api/v1/orders HTTP/1.1\r\nHost: a\r\nContent-Le', 'incomplete'],
    ['no Host', 'GET /api/v1/time HTTP/1.1\r\n\r\n', 'other'],
    ['HTTP/1.0', 'GET /api/v1/time HTTP/1.0\r\nHost: a\r\n\r\n', 'other'],
    ['HEAD', 'HEAD /api/v1/time HTTP/1.1\r\nHost: a\r\n\r\n', 'other'],
    ['a page', 'GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n', 'other'],
    ['a chunked body', 'POST /api/v1/orders HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked'
      + '\r\n\r\n', 'other'],
    ['Expect', 'POST /api/v1/orders HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n'
      + 'Content-Length: 2\r\n\r\n', 'other'],
    ['an upgrade', 'GET /api/v1/time HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n'
      + 'Upgrade: websocket\r\n\r\n', 'other'],
    ['a repeated header', 'GET /api/v1/time HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 'other'],
    ['a space before the colon', 'GET /api/v1/time HTTP/1.1\r\nHost : a\r\n\r\n', 'other'],
    ['a folded header', 'GET /api/v1/time HTTP/1.1\r\nHost: a\r\n b\r\n\r\n', 'other'],
    ['a control character', 'GET /api/v1/time HTTP/1.1\r\nHost: a\u0001\r\n\r\n', 'other'],
    ['a length that is no number', 'POST /api/v1/orders HTTP/1.1\r\nHost: a\r\n'
      + 'Content-Length: 1e3\r\n\r\n', 'other'],
    ['a body over the limit', 'POST /api/v1/orders HTTP/1.1\r\nHost: a\r\n'
      + 'Content-Length: 101\r\n\r\n', 'other'],
    ['garbage', '\u0016\u0003\u0001\u0002\u0000\r\n\r\n', 'other'],
    // A head not yet ended is held only while it could still become one the lane takes.
    ['a method still arriving', 'PO', 'incomplete'],
    ['a target still arriving', 'GET /api/v1/ti', 'incomplete'],
    ['a version still arriving', 'GET /api/v1/time HTTP/1.', 'incomplete'],
    ['half a CRLF', 'GET /api/v1/time HTTP/1.1\r', 'incomplete'],
    ['a header name still arriving', 'GET /api/v1/time HTTP/1.1\r\nHo', 'incomplete'],
    ['garbage, not ended', '\u0016\u0003\u0001\u0002\u0000', 'other'],
    ['printable garbage, not ended', 'hello there', 'other'],
    ['a lower-case method, not ended', 'get /api', 'other'],
    ['no slash before the target, not ended', 'GET api/v1/time', 'other'],
    ['HTTP/1.0, not ended', 'GET /api/v1/time HTTP/1.0', 'other'],
    ['a bare LF, not ended', 'GET /api/v1/time HTTP/1.1\nHost: a\n', 'other'],
    ['a bare CR, not ended', 'GET /api/v1/time HTTP/1.1\rHost: a', 'other'],
    ['a NUL in the target, not ended', 'GET /api/\u0000 HTTP/1.1\r\n', 'other'],
    ['a NUL in a header, not ended', 'GET /api/v1/time HTTP/1.1\r\nHost: a\u0000', 'other'],
    ['a space before a colon, not ended', 'GET /api/v1/time HTTP/1.1\r\nHost :', 'other'],
    ['a folded header, not ended', 'GET /api/v1/time HTTP/1.1\r\nHost: a\r\n b', 'other'],
    ['too many headers, not ended', `GET /api/v1/time HTTP/1.1\r\n${'X: 1\r\n'.repeat(65)}`,
      'other'],
  ];
  for (const [name, text, kind] of cases) {
    it(`${name}: ${kind}`, () => {
      assert.equal(parseHead(Buffer.from(text, 'latin1'), limits(), apiOnly).kind, kind);
    });
  }

  it('takes Connection: close, lower-cases names, and knows where the body starts', () => {
    const text = 'POST /api/v1/x?y=1 HTTP/1.1\r\nHOST: a\r\nConnection: Close\r\n'
      + 'Content-Length: 3\r\nIdempotency-Key:  k1 \r\n\r\nabc';
    const h = parseHead(Buffer.from(text), limits(), apiOnly);
    assert.ok(h.kind === 'request');
    assert.equal(h.close, true);
    assert.equal(h.url, '/api/v1/x?y=1');
    assert.equal(h.headers['idempotency-key'], 'k1');
    assert.equal(h.bodyBytes, 3);
    assert.equal(text.slice(h.headBytes), 'abc');
  });

  it('leaves a head longer than the limit to node:http, ended or not', () => {
    const long = `GET /api/v1/time HTTP/1.1\r\nHost: a\r\nX: ${'y'.repeat(300)}`;
    assert.equal(parseHead(Buffer.from(long), limits({ headBytesMax: 256 }), apiOnly).kind,
      'other');
    assert.equal(parseHead(Buffer.from(`${long}\r\n\r\n`), limits({ headBytesMax: 256 }), apiOnly)
      .kind, 'other');
  });
});

describe('the lane on a connection', () => {
  /** A lane in front of an echo API, and what it handed to "node:http". */
  async function echoLane(over: Partial<LaneLimits> = {}):
    Promise<{ server: Server; port: number; lane: HttpLane; handed: Buffer[] }> {
    const handed: Buffer[] = [];
    const api: LaneApi = { laneRoute: apiOnly };
    const lane = new HttpLane(api, (socket) => {
      socket.on('data', (c: Buffer) => handed.push(c));
    }, limits(over));
    const server = createServer((s) => lane.accept(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, port: (server.address() as { port: number }).port, lane, handed };
  }

  it('answers requests in order however their bytes are split', async () => {
    const { server, port } = await echoLane();
    try {
      await fc.assert(fc.asyncProperty(
        fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }),
        async (bodies, cuts) => {
          const client = new RawClient(port);
          try {
            const bytes = Buffer.from(bodies.map((b, i) => request('POST', `/api/${i}`,
              { body: JSON.stringify(b) })).join(''));
            let at = 0;
            for (let i = 0; at < bytes.length; i++) {
              const n = cuts[i % cuts.length]!;
              client.socket.write(bytes.subarray(at, at + n));
              at += n;
              await new Promise((r) => setImmediate(r));
            }
            for (const [i, b] of bodies.entries()) {
              const r = await client.reply();
              assert.equal(r.status, 200);
              assert.deepEqual(JSON.parse(r.body), { url: `/api/${i}`, body: JSON.stringify(b) });
            }
          } finally {
            client.close();
          }
        }), { numRuns: 25 });
    } finally {
      server.close();
    }
  });

  it('hands over a connection with every byte not yet answered', async () => {
    const { server, port, lane, handed } = await echoLane();
    const client = new RawClient(port);
    try {
      const page = request('GET', '/index.html');
      const after = request('POST', '/api/late', { body: '{}' });
      client.send(request('POST', '/api/first', { body: '"a"' }) + page + after);
      assert.equal(JSON.parse((await client.reply()).body).url, '/api/first');
      while (Buffer.concat(handed).length < page.length + after.length) {
        await new Promise((r) => setTimeout(r, 5));
      }
      assert.equal(Buffer.concat(handed).toString(), page + after);
      assert.equal(lane.handedOver, 1);
      assert.equal(lane.answered, 1);
    } finally {
      client.close();
      server.close();
    }
  });

  it('stops answering while the peer takes none of its replies, and catches up after', async () => {
    // Each reply is 64 KB: a client that pipelines 400 requests and reads nothing would
    // otherwise leave 25 MB of replies in the socket's buffer.
    const big = 'x'.repeat(64 * 1024);
    const handed: Buffer[] = [];
    const lane = new HttpLane({ laneRoute: (method, url) => ({ bodyLimit: 100,
      answer: async () => ({ status: 200, headers: {}, body: JSON.stringify({ url, big }) }) }) },
    (socket) => { socket.on('data', (c: Buffer) => handed.push(c)); }, limits());
    const server = createServer((s) => lane.accept(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const client = new RawClient((server.address() as { port: number }).port);
    try {
      client.socket.pause();
      const count = 400;
      let bytes = '';
      for (let i = 0; i < count; i++) bytes += request('GET', `/api/${i}`);
      client.send(bytes);
      // Wait until the lane has stopped answering: nothing more for a while.
      let seen = -1;
      while (lane.answered !== seen) {
        seen = lane.answered;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(lane.answered < count / 4, `answered ${lane.answered} of ${count} unread`);
      client.socket.resume();
      for (let i = 0; i < count; i++) {
        assert.equal(JSON.parse((await client.reply()).body).url, `/api/${i}`);
      }
      assert.equal(lane.answered, count);
      assert.equal(handed.length, 0);
    } finally {
      client.close();
      server.close();
    }
  });

  it('stops reading past unreadBytesMax while a request is answered, and reads on after',
    async () => {
      // The first request's answer waits; the client meanwhile pipelines 4 MB. The lane must
      // hold at most about unreadBytesMax of it (plus one read's chunk), not all of it.
      let release: () => void = () => {};
      const held = new Promise<void>((r) => { release = r; });
      let answered = 0;
      const lane = new HttpLane({ laneRoute: (_method, url) => ({ bodyLimit: 100,
        answer: async () => {
          if (answered++ === 0) await held;
          return { status: 200, headers: {}, body: JSON.stringify({ url }) };
        } }) }, () => assert.fail('nothing is handed over'), limits({ unreadBytesMax: 4096 }));
      const accepted: Socket[] = [];
      const server = createServer((s) => { accepted.push(s); lane.accept(s); });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const client = new RawClient((server.address() as { port: number }).port);
      const bytesRead = (): number => accepted[0]?.bytesRead ?? -1;
      try {
        const one = request('GET', '/api/x');
        const count = Math.ceil(4 * 1024 * 1024 / one.length);
        client.send(one.repeat(count));
        // Wait until the lane has stopped reading: nothing more for a while.
        let seen = -2;
        while (bytesRead() !== seen) {
          seen = bytesRead();
          await new Promise((r) => setTimeout(r, 100));
        }
        assert.ok(seen > 0 && seen < 4096 + 256 * 1024, `the lane read ${seen} bytes ahead`);
        release();
        for (let i = 0; i < count; i++) assert.equal((await client.reply()).status, 200);
        assert.equal(bytesRead(), one.length * count);
      } finally {
        client.close();
        server.close();
      }
    });

  it('in a storm, holds a kept-alive connection\'s next request for the next window, never a new one\'s first',
    async () => {
      // The turns and the clock are the test's: a turn ends when the test says so.
      let now = 1_000;
      let queue = 0;
      let probe: (() => void) | null = null;
      const timers: Array<() => void> = [];
      const lane = new HttpLane({ laneRoute: apiOnly }, () => {},
        limits({ storm: { queueMin: 2, windowMs: 100 } }),
        { soon: (f) => { setImmediate(f); }, nowMs: () => now,
          later: (f) => { timers.push(f); return {}; },
          every: (f) => { probe = f; return {}; } });
      let reads = 0;
      lane.watchQueue(() => { reads++; return queue; });
      let accepted = 0;
      const server = createServer((s) => { accepted++; lane.accept(s); });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const port = (server.address() as { port: number }).port;
      const until = async (f: () => boolean): Promise<void> => {
        while (!f()) await new Promise((r) => setTimeout(r, 2));
      };
      const endTurn = (): void => probe!();
      const kept = new RawClient(port);
      const fresh: RawClient[] = [];
      try {
        await until(() => accepted === 1);
        queue = 1_000;
        endTurn();
        assert.equal(reads, 0, 'no kept-alive connection has a request to hold: no read');
        kept.send(request('POST', '/api/1', { body: '"a"' }));
        assert.equal(JSON.parse((await kept.reply()).body).url, '/api/1');
        kept.send(request('POST', '/api/1b', { body: '"a"' }));
        assert.equal(JSON.parse((await kept.reply()).body).url, '/api/1b');
        // The kernel says two connections wait to be accepted: the queue is long.
        fresh.push(new RawClient(port), new RawClient(port));
        await until(() => accepted === 3);
        queue = 1;
        endTurn();
        assert.equal(reads, 1);
        assert.equal(lane.storm!.storm, false, 'one connection waiting: no storm');
        fresh.push(new RawClient(port));
        await until(() => accepted === 4);
        kept.send(request('POST', '/api/1c', { body: '"a"' }));
        assert.equal(JSON.parse((await kept.reply()).body).url, '/api/1c');
        queue = 2;
        endTurn();
        assert.equal(lane.storm!.storm, true);
        kept.send(request('POST', '/api/2', { body: '"b"' }));
        fresh[0]!.send(request('POST', '/api/new', { body: '"c"' }));
        assert.equal(JSON.parse((await fresh[0]!.reply()).body).url, '/api/new',
          'a new connection\'s first request is answered in a storm');
        await until(() => lane.held === 1);
        await new Promise((r) => setTimeout(r, 20));
        let second: RawReply | null = null;
        void kept.reply().then((r) => { second = r; });
        await new Promise((r) => setTimeout(r, 20));
        assert.equal(second, null, 'the kept-alive connection\'s second request waits');
        assert.equal(timers.length, 1, 'one timer for the window\'s end');
        now = 1_100;
        timers.shift()!();
        await until(() => second !== null);
        assert.equal(JSON.parse(second!.body).url, '/api/2');
        assert.equal(lane.answered, 5);
      } finally {
        kept.close();
        for (const c of fresh) c.close();
        server.close();
      }
    });

  it('closes a connection idle for the keep-alive time, first request or after a reply',
    { timeout: 5_000 }, async () => {
      const { server, port, lane } = await echoLane({ keepAliveMs: 150 });
      const silent = new RawClient(port);
      const kept = new RawClient(port);
      try {
        kept.send(request('POST', '/api/1', { body: '"a"' }));
        assert.equal(JSON.parse((await kept.reply()).body).url, '/api/1');
        const closed = (c: RawClient): Promise<void> => new Promise((r) => {
          if (c.closed) r(); else c.socket.once('close', () => r());
        });
        await Promise.all([closed(silent), closed(kept)]);
        assert.equal(lane.answered, 1);
      } finally {
        silent.close();
        kept.close();
        server.close();
      }
    });

  it('gives a route a body that is not UTF-8 as text_not_well_formed, and UTF-8 as its text',
    async () => {
      const { server, port } = await echoLane();
      const client = new RawClient(port);
      const post = (body: Buffer): Buffer => Buffer.concat([Buffer.from('POST /api/b HTTP/1.1\r\n'
        + `Host: a\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
      try {
        // 0xff is no UTF-8 byte: decoded it would have become U+FFFD, unlike what was sent.
        client.socket.write(post(Buffer.from([0x22, 0xff, 0x22])));
        assert.equal(JSON.parse((await client.reply()).body).body, 'text_not_well_formed');
        client.socket.write(post(Buffer.from('"é"')));
        assert.equal(JSON.parse((await client.reply()).body).body, '"é"');
      } finally {
        client.close();
        server.close();
      }
    });

  it('stops sweeping for idle connections once closed (a stopped lane keeps no timer)',
    async () => {
      const { server, lane } = await echoLane({ keepAliveMs: 16 });
      try {
        const moved = async (): Promise<boolean> => {
          const before = lane.sweeps;
          await new Promise((r) => setTimeout(r, 60));
          return lane.sweeps > before;
        };
        assert.equal(await moved(), true, 'it sweeps every keep-alive time / 8 while open');
        lane.close();
        assert.equal(await moved(), false);
      } finally {
        server.close();
      }
    });

  it('answers 408 to a request still trickling in when its time is up', async () => {
    const { server, port } = await echoLane({ requestMs: 150 });
    const client = new RawClient(port);
    const bytes = 'POST /api/slow HTTP/1.1\r\nHost: a\r\nContent-Length: 900\r\n\r\n'
      + 'x'.repeat(900);
    let at = 0;
    const trickle = setInterval(() => client.send(bytes[at++] ?? ''), 10);
    try {
      assert.equal((await client.reply()).status, 408);
      assert.ok(at < bytes.length, 'answered before the request was whole');
    } finally {
      clearInterval(trickle);
      client.close();
      server.close();
    }
  });

  it('closes a connection that sends nothing within the request time, not the keep-alive time',
    { timeout: 5_000 }, async () => {
      // 530 silent connections from one address held their places under the per-address cap
      // for 65 s (the keep-alive time): a request's 30 s is the most one may wait for a byte.
      const { server, port } = await echoLane({ requestMs: 150, keepAliveMs: 60_000 });
      const silent = new RawClient(port);
      const prompt = new RawClient(port);
      const started = performance.now();
      try {
        prompt.send(request('POST', '/api/1', { body: '"a"' }));
        assert.equal((await prompt.reply()).status, 200);
        const r = await silent.reply();
        assert.equal(r.status, 408);
        assert.equal(JSON.parse(r.body).error.code, 'request_timeout');
        await new Promise((r) => {
          if (silent.closed) r(null); else silent.socket.once('close', r);
        });
        assert.ok(performance.now() - started < 2_000, 'closed at the request time');
        // A kept-alive connection that answered its request waits for the keep-alive time.
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(prompt.closed, false, 'an answered connection is idle, not late');
        prompt.send(request('POST', '/api/2', { body: '"b"' }));
        assert.equal(JSON.parse((await prompt.reply()).body).url, '/api/2');
      } finally {
        silent.close();
        prompt.close();
        server.close();
      }
    });

  it('answers a request not received in time with 408 and closes', async () => {
    const { server, port } = await echoLane({ requestMs: 50 });
    const client = new RawClient(port);
    try {
      client.send('POST /api/slow HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n{"a"');
      const r = await client.reply();
      assert.equal(r.status, 408);
      assert.equal(JSON.parse(r.body).error.code, 'request_timeout');
      await new Promise((r) => client.socket.once('close', r));
    } finally {
      client.close();
      server.close();
    }
  });
});

describe('launchday behind the lane and behind node:http', () => {
  let dir: string;
  let server: RunningServer;
  let port: number;
  const tokens: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'launchday-lane-'));
    server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
      LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_CLOCK_START: '2025-06-26T14:05:00.000Z',
      LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_DEMO_LAUNCH: 'off' }), { logger: silentLogger() });
    port = Number(new URL(server.url).port);
    const client = new RawClient(port);
    for (const n of [1, 2]) {
      const id = syntheticIdentity(n);
      client.send(request('POST', '/api/v1/accounts', { body: JSON.stringify({ phone: id.phone,
        name: `Buyer ${n}`, id_number: id.idNumber }) }));
      const r = await client.reply();
      assert.equal(r.status, 201, r.body);
      tokens.push(JSON.parse(r.body).token);
    }
    client.close();
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same replies either way, refusals included', async () => {
    const order = JSON.stringify({ launch_id: 'yu7-2025', trim: 'max', options: [],
      city: 'beijing' });
    const script = (token: string, key: string): string[] => [
      request('GET', '/api/v1/launches'),
      request('POST', '/api/v1/orders', { body: order }),
      request('POST', '/api/v1/orders', { token, body: order }),
      request('POST', '/api/v1/orders', { token, body: '{"launch_id":', headers:
        { 'idempotency-key': `${key}-bad` } }),
      request('POST', '/api/v1/orders', { token, body: order, headers:
        { 'idempotency-key': `${key}-type`, 'content-type': 'text/plain' } }),
      request('POST', '/api/v1/orders', { token, body: order, headers: { 'idempotency-key': key } }),
      request('POST', '/api/v1/orders', { token, body: order, headers: { 'idempotency-key': key } }),
      // Refused by the route's schema: the same compiled check either way.
      request('POST', '/api/v1/orders', { token, body: '{"launch_id":5,"trim":"max"}', headers:
        { 'idempotency-key': `${key}-schema` } }),
      request('POST', '/api/v1/orders', { token, body: JSON.stringify({ launch_id: 'yu7-2025',
        trim: 'max', options: Array(17).fill('x'), city: null }), headers:
        { 'idempotency-key': `${key}-schema2` } }),
      request('GET', '/api/v1/openapi.json'),
      // Prepared reads, answered at once by the lane (Route.prepared), and a 304 of one.
      request('GET', '/api/v1/launches/yu7-2025'),
      request('GET', '/api/v1/launches/yu7-2025/stats'),
      request('GET', '/api/v1/launches/yu7-2025', { headers: { 'if-none-match': '*' } }),
      request('GET', '/api/v1/launches/nope'),
      // A page in memory, answered by the lane from its prepared buffer, and its 304.
      request('GET', '/'),
      request('GET', '/', { headers: { 'if-none-match': '*' } }),
      request('DELETE', '/api/v1/orders'),
      request('GET', '/api/v1/no-such-route'),
      request('GET', '/api/v1/admin/orders?status=firm', { token }),
    ];
    const lane = new RawClient(port);
    const node = new RawClient(port);
    try {
      // A page first: node:http keeps this connection from then on.
      node.send(request('GET', '/no-such-page'));
      assert.equal((await node.reply()).status, 404);
      const a = script(tokens[0]!, 'lane-key');
      const b = script(tokens[1]!, 'node-key');
      for (let i = 0; i < a.length; i++) {
        lane.send(a[i]!);
        node.send(b[i]!);
        const [x, y] = [await lane.reply(), await node.reply()];
        assert.deepEqual(masked(x), masked(y), `request ${i}: ${a[i]!.split('\r\n')[0]}`);
      }
    } finally {
      lane.close();
      node.close();
    }
  });

  it('serves a page and then the API on a connection the lane handed over', async () => {
    const client = new RawClient(port);
    try {
      client.send(request('GET', '/api/v1/time') + request('GET', '/') + request('GET',
        '/api/v1/time'));
      const replies = [await client.reply(), await client.reply(), await client.reply()];
      assert.deepEqual(replies.map((r) => r.status), [200, 200, 200]);
      assert.match(replies[1]!.headers['content-type']!, /text\/html/);
      assert.ok('server_time' in JSON.parse(replies[2]!.body));
    } finally {
      client.close();
    }
  });

  it('lets node:http refuse what the lane does not take', async () => {
    const client = new RawClient(port);
    try {
      client.send('POST /api/v1/orders HTTP/1.1\r\nHost: a\r\nContent-Length: x\r\n\r\n');
      assert.equal((await client.reply()).status, 400);
    } finally {
      client.close();
    }
  });
});
