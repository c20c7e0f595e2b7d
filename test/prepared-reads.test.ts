// The public reads served from bytes prepared once per change (src/launches/prepared-launches.ts,
// src/orders/prepared-figures.ts), through
// the lane and through node:http: the bytes are those built per request before, the ETag holds
// exactly as long as what it stands for, and every kind of change (an operator's edit, the
// opening second, an order, another process's edit on PostgreSQL) ends it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../src/kernel/config.js';
import { silentLogger } from '../src/kernel/logger.js';
import { launchView } from '../src/launches/index.js';
import { statsFromCounters } from '../src/orders/launch-stats.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { startServer, type RunningServer } from '../src/server.js';
import { ADMIN, BEFORE_YU7, harness, YU7_MAX, type Harness } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

interface Raw { status: number; headers: Record<string, string>; body: Buffer; text: string }

function get(url: string, headers: Record<string, string> = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode!, headers: res.headers as Record<string, string>, body,
          text: res.headers['content-encoding'] === 'gzip' ? gunzipSync(body).toString()
            : body.toString() });
      });
    }).on('error', reject).end();
  });
}

async function send(base: string, method: string, path: string, body: unknown,
  token = ADMIN): Promise<{ status: number; body: any }> {
  const r = await fetch(`${base}/api/v1${path}`, { method, body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } });
  return { status: r.status, body: await r.json() };
}

for (const lane of ['on', 'off']) {
  describe(`prepared reads, lane ${lane}`, () => {
    let dir: string;
    let server: RunningServer;
    let api: string;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'launchday-reads-'));
      server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir, LAUNCHDAY_PORT: '0',
        LAUNCHDAY_CLOCK: 'simulated', LAUNCHDAY_CLOCK_START: BEFORE_YU7,
        LAUNCHDAY_ADMIN_TOKEN: ADMIN, LAUNCHDAY_DEMO_LAUNCH: 'off',
        LAUNCHDAY_RATE_LIMITS: 'per-address-off', LAUNCHDAY_HTTP_LANE: lane }),
      { logger: silentLogger() });
      api = `${server.url}/api/v1`;
    });
    after(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('serves a launch byte for byte as it was built per request, gzip too', async () => {
      const plain = await get(`${api}/launches/yu7-2025`);
      assert.equal(plain.status, 200);
      const launch = (await server.app.launches.launch('yu7-2025'))!;
      const time = JSON.parse(plain.text).server_time as string;
      assert.equal(plain.text, JSON.stringify(launchView(launch, Date.parse(time), null)));
      assert.equal(plain.headers['content-type'], 'application/json; charset=utf-8');
      assert.equal(plain.headers['cache-control'], 'public, no-cache');
      assert.equal(plain.headers.vary, 'accept-encoding');
      assert.match(plain.headers.etag!, /^W\/"/);
      const gz = await get(`${api}/launches/yu7-2025`, { 'accept-encoding': 'gzip, br' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.ok(gz.body.length < plain.body.length / 3, `${gz.body.length} bytes`);
      assert.equal(Number(gz.headers['content-length']), gz.body.length);
      const gzTime = JSON.parse(gz.text).server_time as string;
      assert.equal(gz.text, JSON.stringify(launchView(launch, Date.parse(gzTime), null)));
      assert.equal(gz.headers.etag, plain.headers.etag);
      const list = await get(`${api}/launches`, { 'accept-encoding': 'gzip' });
      const parsed = JSON.parse(list.text);
      assert.equal(list.text, JSON.stringify({ launches: (await server.app.launches.all())
        .map((l) => launchView(l, Date.parse(parsed.server_time), null)),
      server_time: parsed.server_time }));
    });

    it('answers 304 while unchanged, and 200 with the change after an edit', async () => {
      const first = await get(`${api}/launches/yu7-2025`);
      const listFirst = await get(`${api}/launches`);
      const same = await get(`${api}/launches/yu7-2025`, { 'if-none-match': first.headers.etag! });
      assert.equal(same.status, 304);
      assert.equal(same.body.length, 0);
      assert.equal(same.headers.etag, first.headers.etag);
      assert.ok(same.headers['x-server-time']);
      assert.equal((await get(`${api}/launches`,
        { 'if-none-match': listFirst.headers.etag! })).status, 304);
      const patched = await send(server.url, 'PATCH', '/admin/launches/yu7-2025',
        { deposit_fen: 600000 });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      for (const path of ['/launches/yu7-2025', '/launches']) {
        const old = path === '/launches' ? listFirst : first;
        const r = await get(`${api}${path}`, { 'if-none-match': old.headers.etag! });
        assert.equal(r.status, 200, path);
        assert.notEqual(r.headers.etag, old.headers.etag);
        assert.match(r.text, /"deposit_fen":600000/);
      }
    });

    it('changes at the opening second, when the state turns', async () => {
      const before = await get(`${api}/launches/yu7-2025`);
      assert.equal(JSON.parse(before.text).state, 'scheduled');
      await send(server.url, 'POST', '/admin/clock', { advance_seconds: 60 });
      const r = await get(`${api}/launches/yu7-2025`, { 'if-none-match': before.headers.etag! });
      assert.equal(r.status, 200);
      assert.equal(JSON.parse(r.text).state, 'open');
    });

    it('serves the figures with a short shared lifetime, new after an order', async () => {
      const first = await get(`${api}/launches/yu7-2025/stats`);
      assert.equal(first.headers['cache-control'],
        'public, max-age=0, s-maxage=1, stale-while-revalidate=2');
      assert.equal((await get(`${api}/launches/yu7-2025/stats`,
        { 'if-none-match': first.headers.etag! })).status, 304);
      const buyer = await fetch(`${api}/accounts`, { method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: '13800138000', name: 'Li Lei',
          id_number: '11010519491231002X' }) });
      const { token } = await buyer.json() as { token: string };
      const placed = await fetch(`${api}/orders`, { method: 'POST', body: JSON.stringify(YU7_MAX),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`,
          'idempotency-key': 'reads-1' } });
      assert.equal(placed.status, 201);
      const r = await get(`${api}/launches/yu7-2025/stats`,
        { 'if-none-match': first.headers.etag! });
      assert.equal(r.status, 200);
      const stats = JSON.parse(r.text);
      assert.equal(stats.orders.total, 1);
      // The bytes built per request before, for the same counts and time.
      const launch = (await server.app.launches.launch('yu7-2025'))!;
      assert.equal(r.text, JSON.stringify(statsFromCounters('yu7-2025',
        await server.app.orders.counters('yu7-2025'), Date.parse(stats.as_of), launch)));
    });

    it('serves the figures again without reading the store until a commit', async () => {
      const first = await get(`${api}/launches/yu7-2025/stats`);
      assert.equal(first.status, 200);
      const figures = server.app.orders.preparedFigures;
      const reads = figures.reads;
      for (let i = 0; i < 5; i++) {
        const r = await get(`${api}/launches/yu7-2025/stats`);
        assert.equal(r.headers.etag, first.headers.etag);
      }
      // At most one more: the counts are read again at least once a second (FIGURES_CACHE_MS).
      assert.ok(figures.reads - reads <= 1, `${figures.reads - reads} reads`);
      const id = syntheticIdentity(7);
      const again = await fetch(`${api}/accounts`, { method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ phone: id.phone, name: 'Han Meimei', id_number: id.idNumber }) });
      const buyer = await again.json() as { token: string };
      const placed = await fetch(`${api}/orders`, { method: 'POST', body: JSON.stringify(YU7_MAX),
        headers: { 'content-type': 'application/json', authorization: `Bearer ${buyer.token}`,
          'idempotency-key': 'reads-2' } });
      assert.equal(placed.status, 201, await placed.text());
      const after = await get(`${api}/launches/yu7-2025/stats`);
      assert.equal(JSON.parse(after.text).orders.total, 2);
      assert.notEqual(after.headers.etag, first.headers.etag);
    });

    it(`answers a launch read ${lane === 'on' ? 'in the lane, without its handler'
      : 'through its handler'}`, async () => {
      const launches = server.app.launches;
      const original = launches.launch.bind(launches);
      let calls = 0;
      launches.launch = (id: string) => { calls++; return original(id); };
      try {
        await get(`${api}/launches/yu7-2025`);
        calls = 0;
        for (let i = 0; i < 5; i++) {
          assert.equal((await get(`${api}/launches/yu7-2025`)).status, 200);
        }
      } finally {
        launches.launch = original;
      }
      // In the lane, the handler runs only when the launches' cache turned stale meanwhile.
      if (lane === 'on') assert.ok(calls <= 1, `${calls} handler calls`);
      else assert.equal(calls, 5);
    });

    it('keeps the reads a buyer makes of their own orders private and unconditional', async () => {
      const r = await get(`${api}/orders`, { authorization: 'Bearer nobody' });
      assert.equal(r.headers['cache-control'], 'no-store');
      assert.equal(r.headers.etag, undefined);
    });
  });
}

describe('prepared reads builds', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());
  it('prepare a launch once however often it is read, and refuse an unknown one', async () => {
    await h.call('GET', '/launches/yu7-2025');
    const builds = h.ld.app.launches.prepared.builds;
    for (let i = 0; i < 5; i++) {
      assert.equal((await h.call('GET', '/launches/yu7-2025')).status, 200);
    }
    assert.equal(h.ld.app.launches.prepared.builds, builds);
    assert.equal((await h.call('GET', '/launches/nope')).status, 404);
    assert.equal((await h.call('GET', '/launches/nope/stats')).status, 404);
  });
});

await withPostgres('prepared reads across two processes on PostgreSQL', () => {
  describe('prepared reads across two processes on PostgreSQL', () => {
    const schema = testSchema();
    let a: Harness;
    let b: Harness;
    before(async () => {
      const env = { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema };
      a = await harness(env);
      b = await harness(env);
    });
    after(async () => {
      await a.close();
      await b.close();
      await dropSchema(schema);
    });

    it('gives the same ETag in both, and a new one in the other after an edit', async () => {
      const ra = await a.call('GET', '/launches/yu7-2025');
      const rb = await b.call('GET', '/launches/yu7-2025');
      assert.equal(ra.headers.etag, rb.headers.etag);
      const etag = String(rb.headers.etag);
      const patched = await a.call('PATCH', '/admin/launches/yu7-2025',
        { token: ADMIN, body: { deposit_fen: 700000 } });
      assert.equal(patched.status, 200);
      // Another process's launches are reloaded within a second (LaunchesService's CACHE_MS).
      await new Promise((r) => setTimeout(r, 1_100));
      const after = await b.call('GET', '/launches/yu7-2025',
        { headers: { 'if-none-match': etag } });
      assert.equal(after.status, 200);
      assert.equal(after.body.deposit_fen, 700000);
      assert.equal(after.headers.etag, (await a.call('GET', '/launches/yu7-2025')).headers.etag);
    });

    it('shows the other process\'s order in the figures at once', async () => {
      const first = await b.call('GET', '/launches/yu7-2025/stats');
      // Another process's commits are not seen here: the counts are read on every request.
      const reads = b.ld.app.orders.preparedFigures.reads;
      await b.call('GET', '/launches/yu7-2025/stats');
      assert.equal(b.ld.app.orders.preparedFigures.reads, reads + 1);
      await a.tick(60);
      const { token } = await a.buyer(1);
      assert.equal((await a.order(token, 'pg-1', YU7_MAX)).status, 201);
      const r = await b.call('GET', '/launches/yu7-2025/stats',
        { headers: { 'if-none-match': String(first.headers.etag) } });
      assert.equal(r.status, 200);
      assert.equal(r.body.orders.total, 1);
    });
  });
});
