// The signals' buffer: a chunk's signals are exactly signalOf's of its events, whatever crosses
// to the writer thread; each distinct fact crosses once; the timer's flush leaves a busy writer
// to the buyers for a bounded while, and a flush that failed writes the same ids again.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ClientEvent } from '../kernel/http/client-signals.js';
import { defaultLimits } from '../kernel/config.js';
import { refuse } from '../kernel/outcomes.js';
import type { Submit } from '../kernel/core.js';
import { signalOf, type Signal } from './signals.js';
import {
  rowsOf, SignalBuffer, signalIdOf, signalsOfChunk, type SignalChunk,
} from './signal-buffer.js';
import { SIGNAL_CHUNK_ROWS, ScalpersService } from './scalpers-service.js';
import type { ScalperHandlers } from './signal-commands.js';

const AT = 1_796_000_000_000;

function event(i: number, o: Partial<ClientEvent> = {}): ClientEvent {
  return { kind: 'purchase_refused', accountId: `acc_${i}`, accountCreatedAtMs: AT - i * 1_000,
    subjectId: null, scope: 'drop:jacket', units: 1, city: null, deliveryAddress: null,
    atMs: AT + i, facts: { deviceId: null, address: '127.0.0.1', paymentSource: null }, ...o };
}

const eventArb: fc.Arbitrary<ClientEvent> = fc.record({
  kind: fc.constantFrom('registration', 'order', 'drop_purchase', 'purchase_refused',
    'waitlist_join'),
  accountId: fc.constantFrom('acc_a', 'acc_b', 'acc_c'),
  accountCreatedAtMs: fc.integer({ min: AT - 1e9, max: AT }),
  subjectId: fc.option(fc.constantFrom('hld_1', 'ord_2'), { nil: null }),
  scope: fc.option(fc.constantFrom('drop:jacket', 'launch:yu7'), { nil: null }),
  units: fc.integer({ min: 1, max: 3 }),
  city: fc.option(fc.constantFrom('beijing', 'shanghai'), { nil: null }),
  deliveryAddress: fc.option(fc.constantFrom('Room 5, 1 Chang\'an Ave', 'room5 1 chang\'an ave',
    ' , ', ''), { nil: null }),
  atMs: fc.integer({ min: AT, max: AT + 5_000 }),
  facts: fc.record({
    deviceId: fc.option(fc.constantFrom('device-abcdef-1', 'device-abcdef-2'), { nil: null }),
    address: fc.constantFrom('203.0.113.7', '::ffff:203.0.113.9', '2001:db8::1', ''),
    paymentSource: fc.option(fc.constantFrom('card-4242-4242'), { nil: null }),
  }),
});

/** Every chunk the buffer holds, taken in order. */
function takeAll(b: SignalBuffer): SignalChunk[] {
  const out: SignalChunk[] = [];
  for (let c = b.take(); c !== null; c = b.take()) out.push(c);
  return out;
}

describe('SignalBuffer', () => {
  it('a chunk\'s signals, once it crossed threads, are signalOf\'s of its events', () => {
    fc.assert(fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
      const b = new SignalBuffer(7, () => 0);
      for (const e of events) b.push(e);
      assert.equal(b.rows, events.length);
      const chunks = takeAll(b).map((c) => structuredClone(c));
      assert.equal(b.rows, 0);
      const got = chunks.flatMap(signalsOfChunk);
      let i = 0;
      const want = chunks.flatMap((c) => Array.from({ length: rowsOf(c) }, (_, k) =>
        signalOf(signalIdOf(c.idPrefix, events[i]!.atMs, k), events[i++]!)));
      assert.deepEqual(got, want);
    }));
  });

  it('keeps each distinct fact, scope and kind once a chunk, not once a row', () => {
    const b = new SignalBuffer(SIGNAL_CHUNK_ROWS, () => 0);
    for (let i = 0; i < 1_000; i++) {
      b.push(event(i, { facts: { deviceId: i % 2 ? 'device-abcdef-1' : null,
        address: '127.0.0.1', paymentSource: null } }));
    }
    const [c] = takeAll(b);
    assert.equal(rowsOf(c!), 1_000);
    assert.deepEqual([c!.factsTable.length, c!.scopes.length, c!.kinds.length,
      c!.addresses.length, c!.cities.length], [2, 1, 1, 1, 1]);
  });

  it('gives ids as long as newTimeOrderedId\'s, ordered by time, distinct', () => {
    const b = new SignalBuffer(3, () => 0);
    for (let i = 0; i < 10; i++) b.push(event(i, { atMs: AT + (i % 4) }));
    const ids = takeAll(b).flatMap(signalsOfChunk).map((s) => s.signalId);
    assert.equal(new Set(ids).size, 10);
    for (const id of ids) assert.match(id, /^sig_[0-9a-z]{9}[A-Za-z0-9_-]{8}[0-9a-z]{4}$/);
    assert.deepEqual([...ids].sort().map((id) => parseInt(id.slice(4, 13), 36)),
      [0, 0, 0, 1, 1, 1, 2, 2, 3, 3].map((d) => AT + d));
  });
});

/** A service writing into an array, its writer busy while `busy` says so. */
function service(o: { busy?: () => boolean; failing?: () => boolean; nowMs?: () => number;
  bufferMax?: number; onSubmit?: () => void } = {}) {
  const written: Signal[] = [];
  const ids = new Set<string>();
  const submit = (async (_name: string, payload: { chunk: SignalChunk }) => {
    const chunk = structuredClone(payload.chunk);
    o.onSubmit?.();
    if (o.failing?.()) return refuse('store_unavailable');
    // As the store: a signal already written (its id) is left as it is.
    for (const s of signalsOfChunk(chunk)) {
      if (!ids.has(s.signalId)) written.push(s);
      ids.add(s.signalId);
    }
    return rowsOf(chunk);
  }) as unknown as Submit<ScalperHandlers>;
  const limits = { ...defaultLimits, signalsBufferMax: o.bufferMax ?? 50_000,
    signalsFlushDeferMaxMs: 2_000 };
  const s = new ScalpersService({ store: {} as never, clock: {} as never, limits,
    writerBusy: o.busy ?? (() => false), nowMs: o.nowMs ?? (() => 0) }, {} as never,
    {} as never, submit, {} as never);
  return { s, written };
}

describe('ScalpersService\'s flush', () => {
  it('leaves a busy writer to the buyers up to signalsFlushDeferMaxMs, then writes all', async () => {
    let busy = true;
    let now = 0;
    const { s, written } = service({ busy: () => busy, nowMs: () => now });
    for (let i = 0; i < 5; i++) s.record(event(i));
    await s.flushWhenIdle();
    assert.equal(written.length, 0, 'the writer is busy and the signals are fresh');
    now = 1_999;
    await s.flushWhenIdle();
    assert.equal(written.length, 0);
    now = 2_000;
    await s.flushWhenIdle();
    assert.equal(written.length, 5, 'waited as long as they may');
    s.record(event(5));
    busy = false;
    await s.flushWhenIdle();
    assert.equal(written.length, 6, 'an idle writer takes them at once');
  });

  it('writes a half-full buffer however busy the writer, so that none is dropped', async () => {
    const { s, written } = service({ busy: () => true, bufferMax: 10 });
    for (let i = 0; i < 4; i++) s.record(event(i));
    await s.flushWhenIdle();
    assert.equal(written.length, 0);
    s.record(event(4));
    await s.flushWhenIdle();
    assert.equal(written.length, 5);
  });

  it('stops between chunks once the writer is busy, and a close writes the rest', async () => {
    let buyers = false;
    const { s, written } = service({ busy: () => buyers,
      // The buyers' commands arrive while the first chunk is written.
      onSubmit: () => { buyers = true; } });
    for (let i = 0; i < 2 * SIGNAL_CHUNK_ROWS + 1; i++) s.record(event(i));
    await s.flushWhenIdle();
    assert.equal(written.length, SIGNAL_CHUNK_ROWS, 'one chunk, then the buyers\' turn');
    await s.flush();
    assert.equal(written.length, 2 * SIGNAL_CHUNK_ROWS + 1);
    assert.deepEqual(written.map((w) => w.accountId),
      Array.from({ length: written.length }, (_, i) => `acc_${i}`), 'in order');
    assert.equal(s.buffered, 0);
  });

  it('writes a chunk that failed again under the same ids, and each signal once', async () => {
    let failing = true;
    const { s, written } = service({ failing: () => failing });
    for (let i = 0; i < 3; i++) s.record(event(i));
    await s.flush();
    assert.equal(written.length, 0);
    assert.equal(s.buffered, 3);
    failing = false;
    s.record(event(3));
    await s.flush();
    assert.deepEqual(written.map((w) => w.accountId), ['acc_0', 'acc_1', 'acc_2', 'acc_3']);
    assert.equal(s.dropped, 0);
  });

  it('keeps the oldest of a failed chunk when the buffer filled meanwhile, counting the rest',
    async () => {
      let failing = true;
      let arriving = [3, 4];
      const { s, written } = service({ failing: () => failing, bufferMax: 4,
        // Recorded while the chunk is being written: the buffer had room for them then.
        onSubmit: () => {
          for (const i of arriving) s.record(event(i));
          arriving = [];
        } });
      for (let i = 0; i < 3; i++) s.record(event(i));
      await s.flush();
      assert.equal(s.buffered, 4);
      assert.equal(s.dropped, 1);
      failing = false;
      await s.flush();
      assert.deepEqual(written.map((w) => w.accountId), ['acc_0', 'acc_1', 'acc_3', 'acc_4']);
    });
});
