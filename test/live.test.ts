// The live figures: every viewer gets them once a second, and however many watch, one tick
// costs one computation per launch.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { ServerResponse } from 'node:http';
import { LiveHub, type LiveFrame } from '../src/launches/live-hub.js';
import { liveFigures, withTail } from '../src/launches/live-series.js';
import { LiveFrames } from '../src/orders/live-frames.js';
import type { Launchday } from '../src/launchday.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/kernel/config.js';
import { silentLogger } from '../src/kernel/logger.js';
import { startServer } from '../src/server.js';
import { harness, YU7_MAX } from './harness.js';

/** Frames built from this launchday's store, as another process would build them. */
const liveFramesOf = (app: Launchday): LiveFrames => new LiveFrames(app.launches, app.orders,
  app.clock);

/** A frame as the hub sees it, with `orders` to tell frames apart. */
const fakeFrame = (orders = 1): LiveFrame => ({ launch_id: 'yu7-2025', as_of: '', orders,
  ...liveFigures(new Map(), 0, 10_000) }) as unknown as LiveFrame;

/** A viewer's reply stream, as the hub uses it; `stalled` says its peer is not reading. */
class FakeViewer {
  frames = 0;
  destroyed = false;
  writableNeedDrain = false;
  constructor(stalled: boolean) {
    this.writableNeedDrain = stalled;
  }
  writeHead(): this { return this; }
  write(text: string | Buffer): boolean {
    if (String(text).startsWith('event: stats')) this.frames++;
    return !this.writableNeedDrain;
  }
  on(): this { return this; }
  end(): void {}
  destroy(): void { this.destroyed = true; }
}

describe('live figures over server-sent events', () => {
  it('end when the server stops: a viewer does not keep a stopping process alive',
    { timeout: 30_000 }, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'launchday-live-stop-'));
      const server = await startServer(loadConfig({ LAUNCHDAY_DATA_DIR: dir,
        LAUNCHDAY_PORT: '0', LAUNCHDAY_DEMO_LAUNCH: 'off' }), { logger: silentLogger() });
      try {
        const r = await fetch(`${server.url}/api/v1/launches/yu7-2025/live`);
        assert.equal(r.status, 200);
        const reader = r.body!.getReader();
        assert.ok(!(await reader.read()).done, 'the stream is open');
        // Before the fix close() waited for the stream's own end, a minute later.
        await server.close();
        for (;;) if ((await reader.read()).done) break;
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

  it('cost one computation per tick for twenty viewers, and reach each of them', async () => {
    const h = await harness();
    const server = createServer(h.ld.handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const streams: Array<{ reader: ReadableStreamDefaultReader<Uint8Array>; abort(): void }> = [];
    try {
      for (let i = 0; i < 20; i++) {
        const controller = new AbortController();
        const r = await fetch(`${url}/api/v1/launches/yu7-2025/live`,
          { signal: controller.signal });
        assert.equal(r.headers.get('content-type'), 'text/event-stream; charset=utf-8');
        streams.push({ reader: r.body!.getReader(), abort: () => controller.abort() });
      }
      const before = h.ld.live.computations;
      await h.ld.live.tick();
      assert.equal(h.ld.live.computations - before, 1, 'one computation for all viewers');
      for (const s of streams) {
        let text = '';
        while ((text.match(/event: stats/g) ?? []).length < 2) {
          const { value, done } = await s.reader.read();
          assert.ok(!done, 'the stream stays open');
          text += Buffer.from(value!).toString();
        }
        const last = text.trim().split('\n').at(-1)!;
        assert.equal(JSON.parse(last.slice('data: '.length)).launch_id, 'yu7-2025');
      }
    } finally {
      for (const s of streams) s.abort();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await h.close();
    }
  });

  it('skip a viewer that is not reading, then drop it, rather than queue its frames', async () => {
    const hub = new LiveHub(async () => fakeFrame(), 10, 3, 60_000);
    const reading = new FakeViewer(false);
    const stalled = new FakeViewer(true);
    try {
      assert.ok(await hub.subscribe('yu7-2025', reading as unknown as ServerResponse));
      assert.ok(await hub.subscribe('yu7-2025', stalled as unknown as ServerResponse));
      for (let i = 0; i < 3; i++) await hub.tick();
      assert.deepEqual([reading.frames, stalled.frames, stalled.destroyed], [4, 1, false]);
      // The peer reads again: it gets the next frame, whole and current.
      stalled.writableNeedDrain = false;
      await hub.tick();
      assert.deepEqual([reading.frames, stalled.frames], [5, 2]);
      stalled.writableNeedDrain = true;
      for (let i = 0; i < 4; i++) await hub.tick();
      assert.deepEqual([reading.frames, stalled.frames, stalled.destroyed], [9, 2, true]);
      assert.equal(reading.destroyed, false);
    } finally {
      hub.close();
    }
  });
});

describe('the time figures come from the store, the same for every screen', () => {
  const opensAtMs = Date.parse('2025-06-26T14:00:00.000Z');
  const sec = (s: number): string => String(opensAtMs / 1000 + s);

  it('count orders by the second they were placed, with the peak second and the rate', () => {
    const placed = new Map([[sec(-30), 2], [sec(0), 5], [sec(1), 9], [sec(3), 1], [sec(7), 4]]);
    const f = liveFigures(placed, opensAtMs, opensAtMs + 8_500);
    assert.deepEqual(f.series, { step_s: 1, from: 0, counts: [2, 7, 16, 16, 17, 17, 17, 17, 21] });
    assert.deepEqual([f.peak_per_s, f.peak_at_s], [9, 1]);
    // Seconds 3 to 7, the five whole seconds before the current one (8).
    assert.equal(f.rate_per_s, (1 + 4) / 5);
    assert.equal(f.opens_at, '2025-06-26T14:00:00.000Z');
    assert.deepEqual(withTail(f, 3).series, { step_s: 1, from: 6, counts: [17, 17, 21] });
  });

  it('keep at most 600 points, the step growing with the night', () => {
    const placed = new Map([[sec(10), 1], [sec(4000), 3]]);
    const f = liveFigures(placed, opensAtMs, opensAtMs + 4_200_000);
    assert.equal(f.series.step_s, 7);
    assert.ok(f.series.counts.length <= 601);
    assert.equal(f.series.counts.at(-1), 4);
    assert.equal(f.series.counts[1], 0);
    assert.equal(f.series.counts[2], 1);
  });

  it('never show a negative count, even from a counter below zero (a switch of an order its '
    + 'placements never had)', () => {
    const placed = new Map([[sec(-30), -5], [sec(1), 3], [sec(2), -2], [sec(4), 1]]);
    const f = liveFigures(placed, opensAtMs, opensAtMs + 5_500);
    assert.deepEqual(f.series.counts, [0, 0, 3, 3, 3, 4]);
    assert.equal(f.rate_per_s, 4 / 5);
    assert.deepEqual([f.peak_per_s, f.peak_at_s], [3, 1]);
  });

  it('before the opening, and from a moved opening at once', () => {
    const placed = new Map([[sec(5), 2]]);
    const before = liveFigures(placed, opensAtMs, opensAtMs - 60_000);
    assert.deepEqual([before.elapsed_s, before.series.counts], [-60, []]);
    const moved = liveFigures(placed, opensAtMs - 600_000, opensAtMs + 10_000);
    assert.equal(moved.elapsed_s, 610);
    assert.equal(moved.opens_at, '2025-06-26T13:50:00.000Z');
  });

  it('serve a late viewer, and the snapshot, the whole night: peak and series from orders',
    async () => {
      const h = await harness();
      try {
        await h.tick(60); // the opening
        const buyers = await Promise.all([0, 1, 2, 3, 4].map((n) => h.buyer(n)));
        for (const [i, b] of buyers.entries()) {
          if (i === 3) await h.tick(2);
          assert.equal((await h.order(b.token, `k${i}`, YU7_MAX)).status, 201);
        }
        await h.tick(3);
        const r = await h.call('GET', '/launches/yu7-2025/live.json');
        assert.equal(r.status, 200);
        const frame = r.body as LiveFrame;
        assert.equal(frame.opens_at, '2025-06-26T14:00:00.000Z');
        assert.equal(frame.peak_per_s, 3);
        assert.equal(frame.series.counts.at(-1), 5);
        assert.equal(frame.series.counts.length, frame.elapsed_s + 1);
        assert.match(String(r.headers['cache-control']), /s-maxage=1.*stale-while-revalidate/);
        const etag = String(r.headers.etag);
        assert.match(etag, /^"[\w-]+"$/, 'a strong ETag');
        const again = await h.call('GET', '/launches/yu7-2025/live.json',
          { headers: { 'if-none-match': etag } });
        assert.equal(again.status, 304);
        assert.equal(again.body, '');
        // Another process computing from the same store sends the same figures.
                const other = await liveFramesOf(h.ld.app).frame('yu7-2025');
        assert.deepEqual([other!.peak_per_s, other!.series], [frame.peak_per_s, frame.series]);
        const missing = await h.call('GET', '/launches/nope/live.json');
        assert.equal((missing.body as { error: { code: string } }).error.code, 'launch_not_found');
      } finally {
        await h.close();
      }
    });
});

describe('the placements between frames', () => {
  it('re-read the last seconds each frame, and the whole night every minute', async () => {
    const { FULL_READ_MS, RECENT_S } = await import('../src/orders/live-frames.js');
    const h = await harness();
    try {
      await h.tick(60); // the opening
      const frames = liveFramesOf(h.ld.app);
      assert.deepEqual((await frames.frame('yu7-2025'))!.series.counts, [0]);
      const b = await h.buyer(1);
      assert.equal((await h.order(b.token, 'k', YU7_MAX)).status, 201);
      await h.tick(2);
      assert.deepEqual((await frames.frame('yu7-2025'))!.series.counts, [0, 1, 1]);
      // A change to a second older than the re-read range (a switch moves an order's
      // second): not in the next frame, but in the first after the next whole read.
      const openingS = Date.parse('2025-06-26T14:00:00Z') / 1000;
      await h.ld.app.deps.store.transaction((tx) => tx.addCounters([
        { launchId: 'placed:yu7-2025', key: String(openingS - RECENT_S - 10), delta: 4 }]));
      assert.equal((await frames.frame('yu7-2025'))!.series.counts[0], 0);
      await h.tick(FULL_READ_MS / 1000);
      const f = (await frames.frame('yu7-2025'))!;
      assert.deepEqual([f.series.counts[0], f.series.counts.at(-1)], [4, 5]);
    } finally {
      await h.close();
    }
  });
});

describe('the stream at its limits', () => {
  it('answers live_viewers_full over the limit, naming the snapshot, never order words',
    async () => {
      const h = await harness({ LAUNCHDAY_LIVE_VIEWERS_MAX: '1' });
      const server = createServer(h.ld.handler);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const controller = new AbortController();
      try {
        const first = await fetch(`${url}/api/v1/launches/yu7-2025/live`,
          { signal: controller.signal });
        assert.equal(first.status, 200);
        const second = await fetch(`${url}/api/v1/launches/yu7-2025/live`);
        assert.equal(second.status, 503);
        const { error: body } = await second.json() as { error: { code: string; message: string } };
        assert.equal(body.code, 'live_viewers_full');
        assert.match(body.message, /Too many viewers.*\/api\/v1\/launches\/yu7-2025\/live\.json/);
        assert.doesNotMatch(body.message, /place|order/i);
      } finally {
        controller.abort();
        server.closeAllConnections();
        await new Promise((r) => server.close(r));
        await h.close();
      }
    });

  it('writes a tick to many viewers in slices, yielding to the event loop between', async () => {
    const hub = new LiveHub(async () => fakeFrame(), 5_000, 3, 60_000, 0);
    const viewers = Array.from({ length: 64 }, () => new FakeViewer(false));
    try {
      for (const v of viewers) await hub.subscribe('yu7-2025', v as unknown as ServerResponse);
      let ranBetween = false;
      setImmediate(() => { ranBetween = true; });
      const before = hub.computations;
      await hub.tick();
      assert.equal(hub.computations - before, 1, 'encoded once for every viewer');
      assert.ok(hub.yields >= 3, `yields: ${hub.yields}`);
      assert.ok(ranBetween, 'other work ran during the tick');
      assert.ok(viewers.every((v) => v.frames === 2));
    } finally {
      hub.close();
    }
  });
});

describe('two processes on one PostgreSQL', async () => {
  const { dropSchema, postgresUrl, testSchema, withPostgres } = await import('./postgres.js');
  await withPostgres('serve the same peak and series from either process', () => {
    it('serve the same peak and series from either process', async () => {
      const schema = testSchema();
      const env = { LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z',
        LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema };
      const processes: Array<Awaited<ReturnType<typeof harness>>> = [];
      const tickBoth = async (s: number) => { for (const h of processes) await h.tick(s); };
      try {
        for (let i = 0; i < 2; i++) processes.push(await harness(env));
        const [a, b] = processes as [typeof processes[0], typeof processes[0]];
        for (let i = 0; i < 3; i++) {
          const { token } = await a.buyer(10 + i);
          assert.equal((await a.order(token, `a${i}`, YU7_MAX)).status, 201);
        }
        await tickBoth(2);
        for (let i = 0; i < 2; i++) {
          const { token } = await b.buyer(20 + i);
          assert.equal((await b.order(token, `b${i}`, YU7_MAX)).status, 201);
        }
        await tickBoth(3);
        const [fa, fb] = await Promise.all(processes.map(async (h) =>
          (await h.call('GET', '/launches/yu7-2025/live.json')).body as LiveFrame));
        assert.equal(fa!.peak_per_s, 3);
        assert.deepEqual(fa!.series.counts, [0, 3, 3, 5, 5, 5]);
        assert.deepEqual([fb!.peak_per_s, fb!.peak_at_s, fb!.series],
          [fa!.peak_per_s, fa!.peak_at_s, fa!.series]);
      } finally {
        for (const h of processes) await h.close();
        await dropSchema(schema);
      }
    });
  });
});
