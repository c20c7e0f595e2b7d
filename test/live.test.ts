// The live figures: every viewer gets them once a second, and however many watch, one tick
// costs one computation per launch.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { ServerResponse } from 'node:http';
import { LiveHub } from '../src/launches/live-hub.js';
import { harness } from './harness.js';

/** A viewer's reply stream, as the hub uses it; `stalled` says its peer is not reading. */
class FakeViewer {
  frames = 0;
  destroyed = false;
  writableNeedDrain = false;
  constructor(stalled: boolean) {
    this.writableNeedDrain = stalled;
  }
  writeHead(): this { return this; }
  write(text: string): boolean {
    if (text.startsWith('event: stats')) this.frames++;
    return !this.writableNeedDrain;
  }
  on(): this { return this; }
  end(): void {}
  destroy(): void { this.destroyed = true; }
}

describe('live figures over server-sent events', () => {
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
    const hub = new LiveHub(async () => ({ orders: 1 }), 10, 3, 60_000);
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
