import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { deliveriesJson, deliveriesText } from './delivery-report.js';

/** Any figure not named reads 0. */
const zeros = <T extends object>(named: T): T => new Proxy(named, {
  get: (t, k) => (k in t ? (t as Record<string | symbol, unknown>)[k] : 0) });

test('the books\' deliveries are split into handovers and ready-stock sales', () => {
  // The books count every car whose revenue is recognised: 12 = 9 handovers + 3 ready-stock
  // sales paid. The report once showed the 12 beside the handovers as if they were the same.
  const books = { deposits: zeros({}), balance: zeros({}), margin: zeros({}),
    revenue: zeros({ deliveries: 12 }) };
  const v = { books, violations: [], figures: zeros({ delivered: 9, readySold: 3,
    released: {} }) };
  const f = zeros({ partsByMethod: {}, priceCut: null, delivered: 9 });
  const text = deliveriesText(f as never, v as never, 10);
  assert.match(text, /books: 12 cars delivered = 9 handed over to their orders \+ 3 ready-stock /);
  assert.deepEqual(deliveriesJson(f as never, v as never).books_deliveries,
    { handed_over: 9, ready_stock_sold: 3 });
});
