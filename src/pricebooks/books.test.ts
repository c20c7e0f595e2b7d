// The books from ledger sums: deposits balance (received = held + refunded + forfeited +
// applied, DOMAIN.md Money) for any ledger; the weekly series and the daily comparison count
// what the ledger says; the CSV writer quotes by RFC 4180.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  aggregateLedger, computeBooks, dailyFigures, DEFAULT_BOOK_SETTINGS, type BookSettings,
} from './books.js';
import { csvField, toCsv } from './csv.js';
import type { OrderChange } from '../orders/index.js';
import { LEDGER_KINDS, ledgerForOrderChanges, type LedgerEntry } from './ledger.js';

const T0 = Date.parse('2025-06-26T14:00:00Z');
const DAY = 86_400_000;

const entry = (kind: LedgerEntry['kind'], amountFen: number, atMs = T0, trim = 'max',
  orderId = 'o1'): LedgerEntry => ({ entryKey: `${kind}:${orderId}:${atMs}:${amountFen}`, atMs,
  launchId: 'l', orderId, accountId: 'a', kind, amountFen, trim, priceVersion: null });

describe('books', () => {
  it('deposits always balance, for any ledger', () => fc.assert(fc.property(
    fc.array(fc.record({ kind: fc.constantFrom(...LEDGER_KINDS),
      fen: fc.integer({ min: 0, max: 1e8 }), day: fc.integer({ min: 0, max: 400 }) })),
    (rows) => {
      const b = computeBooks('l', T0, aggregateLedger(rows.map((r, i) => entry(r.kind, r.fen,
        T0 + r.day * DAY, 'max', `o${i}`)), T0), DEFAULT_BOOK_SETTINGS, T0 + 401 * DAY, 260);
      const d = b.deposits;
      assert.equal(d.receivedFen, d.heldFen + d.refundedFen + d.forfeitedFen + d.appliedFen);
      assert.equal(b.revenue.netFen, b.revenue.recognisedFen - b.revenue.protectionRefundsFen);
      assert.equal(b.weeks.reduce((a, w) => a + w.deliveries, 0), b.revenue.deliveries);
    })));

  it('margin from the cost per trim; a trim without cost is named', () => {
    const settings: BookSettings = { ...DEFAULT_BOOK_SETTINGS, costFenByTrim: { max: 60 } };
    const sums = aggregateLedger([entry('revenue_recognised', 100, T0, 'max', 'a'),
      entry('revenue_recognised', 100, T0, 'max', 'b'),
      entry('revenue_recognised', 90, T0, 'pro', 'c'), entry('protection_refund', 10)], T0);
    const b = computeBooks('l', T0, sums, settings, T0 + DAY, 10);
    assert.deepEqual(b.margin, { costFen: 120, grossMarginFen: 290 - 10 - 120,
      basisPoints: Math.round((160 * 10_000) / 280), trimsWithoutCost: ['pro'] });
  });

  it('deliveries per week against the year\'s target; days compared cumulatively', () => {
    const sums = aggregateLedger([entry('revenue_recognised', 1, T0 + 2 * DAY, 'max', 'a'),
      entry('revenue_recognised', 1, T0 + 8 * DAY, 'max', 'b'),
      entry('order_booked', 5, T0, 'max', 'a'), entry('deposit_received', 7, T0 + DAY)], T0);
    const b = computeBooks('l', T0, sums, DEFAULT_BOOK_SETTINGS, T0 + 9 * DAY, 10);
    assert.deepEqual(b.weeks.map((w) => [w.week, w.deliveries, w.cumulative]),
      [[1, 1, 1], [2, 1, 2]]);
    assert.equal(b.weeks[1]!.cumulativeTarget, Math.round(200_000 / 52));
    assert.deepEqual(dailyFigures(sums, 3), [
      { day: 0, orders: 1, depositsFen: 0, deliveries: 0 },
      { day: 1, orders: 1, depositsFen: 7, deliveries: 0 },
      { day: 2, orders: 1, depositsFen: 7, deliveries: 1 }]);
  });

  it('outstanding balance: due less paid less credits on those orders', () => {
    const sums = aggregateLedger([entry('balance_due', 1000), entry('balance_received', 300),
      entry('price_credit', -100), entry('price_credit', -50, T0, 'max', 'o2')], T0);
    assert.equal(computeBooks('l', T0, sums, DEFAULT_BOOK_SETTINGS, T0, 1).balance.outstandingFen,
      600);
  });

  it('balance received is net of balance refunds; outstanding counts the refund as unpaid', () => {
    const sums = aggregateLedger([entry('balance_due', 1000), entry('balance_received', 1000),
      entry('price_credit', -100), entry('balance_refunded', 100)], T0);
    const b = computeBooks('l', T0, sums, DEFAULT_BOOK_SETTINGS, T0, 1).balance;
    assert.deepEqual([b.receivedFen, b.outstandingFen], [900, 0]);
  });
});

describe('the ledger of order changes', () => {
  const order = { orderId: 'o1', accountId: 'a', launchId: 'l', trim: 'max', priceFen: 1000,
    depositFen: 100, depositState: 'held' } as never;
  const at = (type: string, o: object = {}, detail: Record<string, unknown> = {}):
    OrderChange => ({ event: { orderId: 'o1', atMs: T0, type, actor: 'x', detail },
    order: { ...(order as object), ...o } as never });
  it('placed, changed, cancelled: deposits and the order book', () => {
    const e = ledgerForOrderChanges([at('placed'), at('changed', { priceFen: 1200 },
      { from: { price_fen: 1000, launch_id: 'l' } }), at('cancelled', { priceFen: 1200,
      depositState: 'refunded' })], () => 3, () => 50);
    assert.deepEqual(e.map((x) => [x.kind, x.amountFen, x.priceVersion]), [
      ['deposit_received', 100, null], ['order_booked', 1000, 3], ['order_repriced', 200, null],
      ['deposit_refunded', 100, null], ['order_unbooked', -1150, null]]);
  });
  it('a model switch moves the deposit and the booking to the other launch', () => {
    const e = ledgerForOrderChanges([at('changed', { launchId: 'm', priceFen: 2000 },
      { from: { price_fen: 1000, launch_id: 'l' } })], () => 1);
    assert.deepEqual(e.map((x) => [x.launchId, x.kind, x.amountFen]), [
      ['l', 'deposit_received', -100], ['l', 'order_unbooked', -1000],
      ['m', 'deposit_received', 100], ['m', 'order_booked', 2000]]);
  });
});

describe('CSV (RFC 4180)', () => {
  it('quotes what must be quoted, and only that', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(null), '');
    assert.equal(toCsv(['a', 'b'], [[1, 'x,y']]), 'a,b\r\n1,"x,y"\r\n');
  });
});
