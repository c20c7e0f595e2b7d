// The live figures: every viewer gets them once a second, and however many watch, one tick
// costs one computation per launch.
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { harness } from './harness.js';

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
});
