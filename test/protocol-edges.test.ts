// The HTTP edges an attacker probes, through the lane and through node:http alike: every
// refusal has the same status and JSON error code whichever side reads the request, none waits
// for a timeout when the request is already known to be bad, none is a 500; and a connection
// that pipelines thousands of requests without reading its replies costs bounded memory.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { silentLogger } from '../src/kernel/logger.js';
import { loadConfig } from '../src/kernel/config.js';
import { outcomes } from '../src/kernel/outcomes.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ADMIN } from './harness.js';
import { killHard, startChild, type Child } from './process.js';

interface RawReply { status: number; headers: Record<string, string>; body: string }

/**
 * Sends `bytes` on a new connection and reads the first reply (its Content-Length body). The
 * connection is left open: a side that waits for more bytes of a malformed head would wait
 * here for its request timeout, and answer 408, not the 400 asked for.
 */
function exchange(port: number, bytes: string | Buffer): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let buf = Buffer.alloc(0);
    const done = (r: RawReply | Error): void => {
      socket.destroy();
      if (r instanceof Error) reject(r);
      else resolve(r);
    };
    socket.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = buf.toString('latin1', 0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const at = l.indexOf(':');
        headers[l.slice(0, at).toLowerCase()] = l.slice(at + 1).trim();
      }
      const length = Number(headers['content-length'] ?? 0);
      if (buf.length < end + 4 + length) return;
      done({ status: Number(lines[0]!.split(' ')[1]), headers,
        body: buf.toString('utf8', end + 4, end + 4 + length) });
    });
    socket.on('error', (e) => done(e));
    socket.on('close', () => done(new Error(`closed; read: ${JSON.stringify(buf.toString())}`)));
    socket.write(bytes);
  });
}

const head = (method: string, path: string, lines: string[] = [], body = ''): string =>
  `${method} ${path} HTTP/1.1\r\nhost: launchday.test\r\n${lines.map((l) => `${l}\r\n`).join('')}`
  + `\r\n${body}`;
const json = (method: string, path: string, body: string, type?: string,
  extra: string[] = []): string => head(method, path, [
  ...(type === undefined ? [] : [`content-type: ${type}`]),
  `content-length: ${Buffer.byteLength(body)}`, ...extra], body);
const admin = `authorization: Bearer ${ADMIN}`;
const badPhone = '{"phone":"1","name":"A","id_number":"x"}';
const long = 'x'.repeat(65);

/** [what, bytes, expected status, expected code]: the same through the lane and node:http. */
const EDGES: Array<[string, string | Buffer, number, string]> = [
  // Media types are case-insensitive and take parameters (RFC 9110 8.3.1).
  ['Content-Type Application/JSON', json('POST', '/api/v1/accounts', badPhone,
    'Application/JSON'), 422, 'invalid_phone'],
  ['Content-Type with a charset', json('POST', '/api/v1/accounts', badPhone,
    'application/json; charset=utf-8'), 422, 'invalid_phone'],
  ['Content-Type in capitals, spaced', json('POST', '/api/v1/accounts', badPhone,
    'APPLICATION/JSON ;charset=UTF-8'), 422, 'invalid_phone'],
  ['Content-Type text/plain', json('POST', '/api/v1/accounts', badPhone, 'text/plain'), 415,
    'unsupported_media_type'],
  ['a body without Content-Type', json('POST', '/api/v1/accounts', badPhone), 415,
    'unsupported_media_type'],
  ['Content-Type application/jsonx', json('POST', '/api/v1/accounts', badPhone,
    'application/jsonx'), 415, 'unsupported_media_type'],
  ['no body and no Content-Type', json('POST', '/api/v1/accounts', ''), 422, 'invalid_request'],
  // PostgreSQL cannot store a NUL: refused by the field's own rule before any store sees it.
  ['a NUL in a name', json('POST', '/api/v1/accounts',
    '{"phone":"13800000000","name":"a\\u0000b","id_number":"11010519491231002X"}',
    'application/json'), 422, 'invalid_name'],
  // Framing faults: node:http's clientError path, with the JSON body.
  ['two different Content-Lengths', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'content-length: 2', 'content-length: 3'], '{}x'), 400,
  'malformed_request'],
  ['a Content-Length that is no number', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'content-length: 2x'], '{}'), 400, 'malformed_request'],
  ['Content-Length with Transfer-Encoding', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'content-length: 2', 'transfer-encoding: chunked'],
    '0\r\n\r\n'), 400, 'malformed_request'],
  // A body in a coding not decoded here is refused, not read as if it were plain JSON (the
  // lane hands Transfer-Encoding to node:http; Content-Encoding it reads as a header).
  ['Transfer-Encoding gzip, chunked', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'transfer-encoding: gzip, chunked'],
    `${Buffer.byteLength(badPhone).toString(16)}\r\n${badPhone}\r\n0\r\n\r\n`), 501,
  'transfer_coding_unsupported'],
  ['Transfer-Encoding chunked, chunked', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'transfer-encoding: chunked, chunked'], '0\r\n\r\n'),
  400, 'malformed_request'],
  ['Transfer-Encoding gzip alone', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'transfer-encoding: gzip'], '{}'), 400,
  'malformed_request'],
  ['Transfer-Encoding chunked alone', head('POST', '/api/v1/accounts',
    ['content-type: application/json', 'transfer-encoding: Chunked'],
    `${Buffer.byteLength(badPhone).toString(16)}\r\n${badPhone}\r\n0\r\n\r\n`), 422,
  'invalid_phone'],
  ['Content-Encoding gzip', json('POST', '/api/v1/accounts', badPhone, 'application/json',
    ['content-encoding: gzip']), 415, 'content_encoding_unsupported'],
  // Content-Encoding describes a body: a request without one has nothing to decode, and goes
  // on to the route's own answer (GET and HEAD: the test below).
  ['Content-Encoding gzip, Content-Length 0', json('POST', '/api/v1/accounts', '', undefined,
    ['content-encoding: gzip']), 422, 'invalid_request'],
  ['Content-Encoding gzip on a DELETE', head('DELETE', '/api/v1/sessions',
    ['content-encoding: gzip']), 401, 'unauthorized'],
  ['Content-Encoding gzip, an empty chunked body', head('POST', '/api/v1/accounts',
    ['content-encoding: gzip', 'transfer-encoding: chunked'], '0\r\n\r\n'), 415,
  'content_encoding_unsupported'],
  ['Transfer-Encoding gzip, chunked on a GET', head('GET', '/api/v1/time',
    ['transfer-encoding: gzip, chunked'], '0\r\n\r\n'), 501, 'transfer_coding_unsupported'],
  ['Content-Encoding identity', json('POST', '/api/v1/accounts', badPhone, 'application/json',
    ['content-encoding: Identity']), 422, 'invalid_phone'],
  ['a head too large', head('GET', '/api/v1/time', [`x-big: ${'y'.repeat(20_000)}`]), 431,
    'headers_too_large'],
  // Malformed heads, ended or not: refused at once (the connection stays open meanwhile).
  ['bare LF line ends', 'GET /api/v1/time HTTP/1.1\nhost: x\n\n', 400, 'malformed_request'],
  ['bare LF, head not ended', 'GET /api/v1/time HTTP/1.1\nhost: x\n', 400,
    'malformed_request'],
  ['a NUL in the target, not ended', 'GET /api/v1/ti\0me HTTP/1.1\r\nhost: x\r\n', 400,
    'malformed_request'],
  ['a NUL in a header, not ended', 'GET /api/v1/time HTTP/1.1\r\nhost: x\0\r\n', 400,
    'malformed_request'],
  ['a bare CR, not ended', 'GET /api/v1/time HTTP/1.1\rhost: x\r', 400, 'malformed_request'],
  ['printable garbage', 'hello there', 400, 'malformed_request'],
  ['a TLS hello', Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]), 400, 'malformed_request'],
  ['a lower-case method', 'get /api/v1/time HTTP/1.1\r\n', 400, 'malformed_request'],
  ['a space before a colon, not ended', 'GET /api/v1/time HTTP/1.1\r\nhost : x\r\n', 400,
    'malformed_request'],
  // Targets that once reached a 500.
  ['GET /%ff', head('GET', '/%ff'), 404, 'route_not_found'],
  ['GET /%', head('GET', '/%'), 404, 'route_not_found'],
  ['GET /%c0%af', head('GET', '/%c0%af'), 404, 'route_not_found'],
  ['GET //', head('GET', '//'), 404, 'route_not_found'],
  ['POST //', json('POST', '//', '{}', 'application/json'), 404, 'route_not_found'],
  ['DELETE //x', head('DELETE', '//x'), 404, 'route_not_found'],
  // An API path's segments are percent-decoded (RFC 3986): an escaped id names the same thing,
  // a segment that does not decode names nothing.
  ['GET /api/v1/launches/yu7%ff', head('GET', '/api/v1/launches/yu7%ff'), 404,
    'route_not_found'],
  ['GET /api/v1/launches/%', head('GET', '/api/v1/launches/%'), 404, 'route_not_found'],
  ['GET /api/v1/launches/no%2Fsuch', head('GET', '/api/v1/launches/no%2Fsuch'), 404,
    'route_not_found'],
  ['GET /api/v1/admin%2Faudit-log', head('GET', '/api/v1/admin%2Faudit-log', [admin]), 404,
    'route_not_found'],
  // A NUL or another control character names no id (PostgreSQL refuses NUL in text: a 500).
  ['DELETE /api/v1/admin/operators/%00', head('DELETE', '/api/v1/admin/operators/%00', [admin]),
    404, 'route_not_found'],
  ['GET /api/v1/launches/yu7%0A2025', head('GET', '/api/v1/launches/yu7%0A2025'), 404,
    'route_not_found'],
  // Query parameters: checked, never clamped or passed to the store as they come.
  ['audit-log limit=1.5', head('GET', '/api/v1/admin/audit-log?limit=1.5', [admin]), 422,
    'invalid_request'],
  ['audit-log limit=0', head('GET', '/api/v1/admin/audit-log?limit=0', [admin]), 422,
    'invalid_request'],
  ['audit-log limit=abc', head('GET', '/api/v1/admin/audit-log?limit=abc', [admin]), 422,
    'invalid_request'],
  ['audit-log limit twice', head('GET', '/api/v1/admin/audit-log?limit=1&limit=2', [admin]),
    422, 'invalid_request'],
  ['payment anomalies limit=1.5', head('GET', '/api/v1/admin/payments/anomalies?limit=1.5',
    [admin]), 422, 'invalid_request'],
  ['launch orders limit=1.5', head('GET', '/api/v1/admin/launches/yu7-2025/orders?limit=1.5',
    [admin]), 422, 'invalid_request'],
  ['launch orders limit=1e3', head('GET', '/api/v1/admin/launches/yu7-2025/orders?limit=1e3',
    [admin]), 422, 'invalid_request'],
  ['launch orders limit=1001', head('GET', '/api/v1/admin/launches/yu7-2025/orders?limit=1001',
    [admin]), 422, 'invalid_request'],
  ['launch orders, a long cursor', head('GET',
    `/api/v1/admin/launches/yu7-2025/orders?after=${long}`, [admin]), 422, 'invalid_request'],
  ['order search, a long phone', head('GET', `/api/v1/admin/orders?phone=${long}`, [admin]),
    422, 'invalid_request'],
  ['order search, a NUL in the phone', head('GET', '/api/v1/admin/orders?phone=1%00', [admin]),
    422, 'invalid_request'],
  ['estimate, a long trim', head('GET', `/api/v1/launches/yu7-2025/estimate?trim=${long}`), 422,
    'invalid_request'],
];

describe('protocol edges, through the lane and through node:http', () => {
  const dirs: string[] = [];
  const servers: RunningServer[] = [];
  const ports: Record<'lane' | 'node', number> = { lane: 0, node: 0 };

  before(async () => {
    for (const side of ['lane', 'node'] as const) {
      const dir = mkdtempSync(join(tmpdir(), `launchday-edges-${side}-`));
      dirs.push(dir);
      const server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir,
        LAUNCHDAY_PORT: '0', LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_ADMIN_TOKEN: ADMIN,
        LAUNCHDAY_CLOCK_START: '2025-06-26T14:05:00.000Z', LAUNCHDAY_DEMO_LAUNCH: 'off',
        LAUNCHDAY_HTTP_LANE: side === 'lane' ? 'on' : 'off' }), { logger: silentLogger() });
      servers.push(server);
      ports[side] = Number(new URL(server.url).port);
    }
  });

  after(async () => {
    for (const s of servers) await s.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('a peer that closes its side is closed at once, after its reply, either way', async () => {
    // Every client that does not keep the connection alive closes its side after the reply;
    // left half-open until the keep-alive timeout, each held a file descriptor for 65 s, and
    // a few hundred connections a second exhausted them (the server answered nobody).
    for (const side of ['lane', 'node'] as const) {
      for (const bytes of ['', head('GET', '/api/v1/time'), head('GET', '/api/v1/ti')]) {
        const socket = connect(ports[side], '127.0.0.1');
        let read = '';
        socket.on('data', (c: Buffer) => { read += c.toString('latin1'); });
        socket.on('error', () => {});
        const closed = new Promise<boolean>((resolve) => {
          socket.once('close', () => resolve(true));
          setTimeout(() => resolve(false), 3_000);
        });
        socket.end(bytes);
        try {
          assert.ok(await closed, `${side}, ${JSON.stringify(bytes)}: still open`);
          if (bytes.endsWith('/time HTTP/1.1\r\nhost: launchday.test\r\n\r\n')) {
            assert.match(read, /^HTTP\/1\.1 200 /, `${side}: ${read}`);
          }
        } finally {
          socket.destroy();
        }
      }
    }
  });

  for (const [what, bytes, status, code] of EDGES) {
    it(`${what}: ${status} ${code} either way`, async () => {
      for (const side of ['lane', 'node'] as const) {
        const r = await exchange(ports[side], bytes);
        assert.match(r.headers['content-type'] ?? '', /^application\/json/, `${side}: ${r.body}`);
        const body = JSON.parse(r.body);
        assert.deepEqual([r.status, body.error?.code], [status, code], `${side}: ${r.body}`);
        assert.equal(outcomes[code as keyof typeof outcomes].status, status);
        assert.equal(typeof body.error.message, 'string');
      }
    });
  }

  it('answers a GET or HEAD with Content-Encoding but no body, whichever side reads it',
    async () => {
      // Some clients and proxies send Content-Encoding on every request; with no body there is
      // nothing coded to refuse (it was 415 content_encoding_unsupported).
      for (const side of ['lane', 'node'] as const) {
        for (const method of ['GET', 'HEAD']) {
          const r = await fetch(`http://127.0.0.1:${ports[side]}/api/v1/time`,
            { method, headers: { 'content-encoding': 'gzip' } });
          assert.equal(r.status, 200, `${side} ${method}: ${await r.text()}`);
        }
      }
    });

  it('reads an escaped path as the same path, whichever side reads it', async () => {
    for (const path of ['/api/v1/launches/yu7%2D2025', '/api/v1/launch%65s/yu7-2025',
      '/api/v1/launches/%79u7-2025']) {
      for (const side of ['lane', 'node'] as const) {
        const r = await exchange(ports[side], head('GET', path));
        assert.equal(r.status, 200, `${side} ${path}: ${r.body}`);
        assert.equal(JSON.parse(r.body).launch_id, 'yu7-2025', `${side} ${path}`);
      }
    }
  });

  it('answers no request target with a 500, whichever side reads it', async () => {
    // Targets built from the pieces that broke decoding and URL parsing: bad escapes, empty
    // segments, dot segments, API paths with queries of every parameter the routes read.
    const piece = fc.constantFrom('/', '//', '%', '%f', '%ff', '%c0%af', '%00', '%2e%2e', '..',
      '.', '?', '&', '=', '#', 'api', 'v1', 'admin', 'audit-log', 'launches', 'yu7-2025',
      'orders', 'estimate', 'limit', 'after', 'trim', 'city', 'phone', 'order_id', 'id_number',
      '1.5', '-1', '0', '1e3', '99999999999999999999', 'x', ':', '@', '+', ';', '*');
    const target = fc.tuple(fc.constantFrom('/', '/api/v1/', '/api/v1/admin/', '//'),
      fc.array(piece, { maxLength: 10 })).map(([start, rest]) => start + rest.join(''));
    await fc.assert(fc.asyncProperty(
      fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), target,
      async (method, path) => {
        for (const side of ['lane', 'node'] as const) {
          const r = await exchange(ports[side], head(method, path, [admin,
            'content-length: 0']));
          assert.ok(r.status < 500, `${side}: ${method} ${path} -> ${r.status} ${r.body}`);
          if (r.status >= 400) {
            const code = JSON.parse(r.body).error.code as keyof typeof outcomes;
            assert.equal(outcomes[code]?.status, r.status, `${side}: ${method} ${path}`);
          }
        }
      }), { numRuns: 300 });
  });

  it('pages carry the security headers', async () => {
    for (const side of ['lane', 'node'] as const) {
      const r = await exchange(ports[side], head('GET', '/'));
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-content-type-options'], 'nosniff');
      assert.match(r.headers['content-security-policy'] ?? '', /default-src 'self'/);
      assert.match(r.headers['content-security-policy'] ?? '', /frame-ancestors 'none'/);
    }
  });
});

describe('a connection that pipelines thousands of requests and never reads', () => {
  let child: Child;
  let dir: string;
  const rssMb = (): number => Number(/VmRSS:\s+(\d+)/
    .exec(readFileSync(`/proc/${child.proc.pid}/status`, 'utf8'))![1]) / 1024;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'launchday-flood-'));
    child = await startChild({ LAUNCHDAY_DATA_DIR: dir });
  });

  after(async () => {
    await killHard(child);
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Writes 15,000 pipelined requests (each reply about 22 KB: 330 MB of replies in all) on one
   * connection that never reads, then, for a while, checks that another client is served and
   * that the server's resident memory has not grown by more than `growthMbMax`.
   */
  async function flood(first: string, growthMbMax: number): Promise<void> {
    const port = Number(new URL(child.url).port);
    const baseline = rssMb();
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    socket.on('error', () => {});
    try {
      socket.write(first + head('GET', '/api/v1/launches').repeat(15_000));
      let peak = 0;
      for (let i = 0; i < 12; i++) {
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(child.proc.exitCode, null, `the server died:\n${child.output().slice(-500)}`);
        const r = await fetch(`${child.url}/api/v1/time`);
        assert.equal(r.status, 200);
        await r.arrayBuffer();
        peak = Math.max(peak, rssMb() - baseline);
      }
      assert.ok(peak < growthMbMax, `resident memory grew by ${peak.toFixed(0)} MB`);
    } finally {
      socket.destroy();
    }
  }

  it('costs the lane bounded memory, and others are served meanwhile', async () => {
    await flood('', 64);
  });

  it('costs node:http bounded memory too, on a connection the lane handed over', async () => {
    // A page first: node:http reads the connection from then on, pipelined requests and all.
    await flood(head('GET', '/no-such-page'), 64);
  });

  it('drops a node:http connection that pipelines far past the limit without reading', async () => {
    const port = Number(new URL(child.url).port);
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    socket.on('error', () => {});
    let replies = 0;
    socket.on('data', (c: Buffer) => {
      replies += c.toString('latin1').split('HTTP/1.1 ').length - 1;
    });
    const closed = new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 6_000);
    });
    // Each connection node:http reads holds every request it has parsed, refusals and all,
    // until the peer reads: megabytes apiece, so a few hundred such peers exhaust memory.
    socket.write(head('GET', '/no-such-page') + head('GET', '/api/v1/launches').repeat(2_000));
    // Reads only after a while: a paused socket never sees the server's end.
    await new Promise((r) => setTimeout(r, 1_000));
    socket.resume();
    try {
      assert.ok(await closed, `the connection is still open after ${replies} replies`);
      assert.ok(replies <= 64, `${replies} replies`);
    } finally {
      socket.destroy();
    }
  });
});
