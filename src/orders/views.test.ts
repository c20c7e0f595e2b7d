import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Order } from './order.js';
import { iso, orderView, orderViewJson, type OrderExtras } from './views.js';

describe('iso', () => {
  it('formats every time as toISOString does, however often a time repeats', () => {
    // Drawn from a few times so that the remembered ones are hit, missed and replaced.
    const times = fc.constantFrom(0, 1_750_946_400_000, 1_750_946_400_001, 1_751_551_200_000,
      8.64e15, -1);
    fc.assert(fc.property(fc.array(fc.oneof(times, fc.constant(null)), { maxLength: 50 }),
      (seq) => {
        for (const ms of seq) {
          assert.equal(iso(ms), ms === null ? null : new Date(ms).toISOString());
        }
      }));
  });
});

describe('orderViewJson', () => {
  // Any text at all, so that quotes, backslashes, control characters and lone surrogates
  // (which JSON.stringify escapes) are drawn as well as plain identifiers.
  const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }),
    fc.constantFrom('yu7-2025', 'buyer:acc_x', 'operator:admin', 'cancelled', 'reason',
      'a"b', 'a\\b', '\n', '\ud800', '\u2028'));
  const ms = fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 4_102_444_800_000 }));
  const num = fc.oneof(fc.integer(), fc.double());
  const order = fc.record({
    orderId: text, accountId: text, launchId: text, modelId: text, trim: text,
    options: fc.array(text, { maxLength: 4 }), city: text,
    status: fc.constantFrom('firm', 'locked', 'scheduled', 'cancelled'), priceFen: num,
    depositFen: num,
    depositState: fc.constantFrom('held', 'refunded', 'forfeited', 'applied'),
    createdAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    coolingOffEndsAtMs: fc.integer({ min: 0, max: 4_102_444_800_000 }), lockedAtMs: ms,
    cancelledAtMs: ms, queuedAtMs: ms, queuePlace: fc.oneof(fc.constant(null), fc.nat()),
    trimSeq: fc.oneof(fc.constant(null), fc.nat()), changedInWindowId: fc.constant(null),
    idempotencyKey: text, requestHash: text, version: fc.nat() }) as fc.Arbitrary<Order>;
  const extras: fc.Arbitrary<OrderExtras> = fc.record({
    estimate: fc.oneof(fc.constant(null),
      fc.record({ weeksMin: num, weeksMax: num, basis: text }),
      fc.record({ weeksMin: num, weeksMax: num, basis: text,
        window: fc.record({ from: text, to: text }) })),
    queue: fc.oneof(fc.constant(null),
      fc.record({ queueKey: text, place: fc.nat(), lockedAheadInTrim: fc.integer() })),
    actions: fc.array(text, { maxLength: 5 }), switchTo: fc.array(text, { maxLength: 2 }),
    windowClosesAtMs: ms,
    history: fc.array(fc.record({ orderId: text, atMs: fc.integer({ min: 0,
      max: 4_102_444_800_000 }), type: text, actor: text,
    detail: fc.dictionary(text, fc.jsonValue()) }), { maxLength: 3 }),
    vehicle: fc.record({ vin: text, builtOn: text }),
    delivery: fc.record({ stage: text, outstandingFen: num, dueAtMs: ms, slotStartMs: ms }) },
  { requiredKeys: ['estimate', 'queue',
    'actions', 'switchTo', 'history'] });

  it('writes exactly what JSON.stringify writes of orderView', () => {
    fc.assert(fc.property(order, extras, (o, x) => {
      assert.equal(orderViewJson(o, x), JSON.stringify(orderView(o, x)));
    }), { numRuns: 500 });
  });
});
