import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { seedLaunches } from '../src/launches/catalogue.js';
import { statsFromCounters } from '../src/orders/launch-stats.js';
import { LatencyHistogram } from './latency-histogram.js';
import { figuresTable } from './simulation-report.js';

test('the money figures stand on the reported basis beside launchday\'s own, labelled', () => {
  const yu7 = seedLaunches(0).find((l) => l.launchId === 'yu7-2025')!;
  // 289,000 orders: 250,000 placed at 5,000 yuan, 39,000 switched in, 10,000 of them SU7 Ultra
  // orders whose 20,000 yuan deposits came with them; 5,000 cancelled (refunded).
  const counters = new Map<string, number>([
    ['orders.firm', 200_000], ['orders.locked', 84_000], ['orders.cancelled', 5_000],
    ['deposits.received', (279_000 * 5_000 + 10_000 * 20_000) * 100],
    ['revenue.potential', 284_000 * 290_000 * 100],
  ]);
  const stats = statsFromCounters('yu7-2025', counters, 0, yu7);
  assert.deepEqual(stats.reported_basis, { orders: 289_000, deposit_fen: 500_000,
    base_price_fen: 25_350_000, deposits_fen: 289_000 * 500_000,
    potential_revenue_fen: 289_000 * 25_350_000 });
  const lines = figuresTable({ metrics: { confirmedBy: { s120: 0, s180: 0, s3600: 289_000 } },
    targetStats: JSON.parse(JSON.stringify(stats)), scale: 1, ordersPlanned: 289_000 } as never);
  const row = (label: string) => lines.find((l) => l.trim().startsWith(label))?.trim()
    .split(/\s{2,}/);
  assert.deepEqual(row('deposits, reported basis'),
    ['deposits, reported basis *', '1.445 bn yuan', '1.445 bn yuan', '1.445 bn yuan']);
  assert.deepEqual(row('deposits, launchday basis'),
    ['deposits, launchday basis **', 'not reported', '1.595 bn yuan', '1.595 bn yuan']);
  assert.deepEqual(row('revenue, reported basis'),
    ['revenue, reported basis *', 'about 73.261 bn yuan', '73.261 bn yuan', '73.261 bn yuan']);
  assert.deepEqual(row('revenue, launchday basis'),
    ['revenue, launchday basis **', 'not reported', '82.360 bn yuan', '82.360 bn yuan']);
  assert.ok(lines.some((l) => /\* as YU7 reported them/.test(l)));
  assert.ok(lines.some((l) => /\*\* launchday's own/.test(l)));
});

test('the SU7 day is set beside SU7\'s figures, not YU7\'s', () => {
  const lines = figuresTable({ metrics: { confirmedBySu7: { s240: 100, s420: 200, s1620: 500,
    s86400: 889 } }, targetStats: { reported_basis: { orders: 889 },
    deposits_fen: { received: 889 * 500_000 }, potential_revenue_fen: 0 }, scale: 0.01,
  ordersPlanned: 889, night: 'su7' } as never);
  const row = (label: string) => lines.find((l) => l.trim().startsWith(label))?.trim()
    .split(/\s{2,}/);
  assert.deepEqual(row('orders in first 4 minutes'),
    ['orders in first 4 minutes', '10,000', '100', '10,000']);
  assert.deepEqual(row('orders in the day'), ['orders in the day', '88,898', '889', '88,900']);
  assert.ok(!lines.some((l) => /YU7/.test(l)));
});

test('first minutes a compressed night cannot resolve read "not measured", never 0', () => {
  // At --speed 36,000 (the after-night runs) one real millisecond is 36 simulated seconds: every
  // confirmation fell after the first minutes, and the table said 0 orders in them.
  const orderLatency = new LatencyHistogram();
  for (let i = 0; i < 100; i++) orderLatency.record(5);
  const su7 = (speed: number) => figuresTable({ metrics: { orderLatency,
    confirmedBySu7: { s240: 0, s420: 0, s1620: 0, s86400: 889 } },
  targetStats: { reported_basis: { orders: 889 } }, scale: 0.01, ordersPlanned: 889,
  night: 'su7', speed } as never);
  const row = (lines: string[], label: string) => lines.find((l) => l.trim()
    .startsWith(label))?.trim().split(/\s{2,}/);
  const fast = su7(36_000);
  assert.deepEqual(row(fast, 'orders in first 4 minutes'),
    ['orders in first 4 minutes', '10,000', 'not measured ***', 'not measured ***']);
  assert.deepEqual(row(fast, 'orders in first 27 minutes')?.[2], 'not measured ***');
  // 5 ms at 36,000 is 180 simulated seconds: the day (86,400 s) is still counted.
  assert.deepEqual(row(fast, 'orders in the day')?.[2], '889');
  assert.ok(fast.some((l) => /\*\*\* not measured: at speed 36,000 a median order reply/
    .test(l)), fast.join('\n'));
  const slow = su7(60);
  assert.deepEqual(row(slow, 'orders in first 4 minutes')?.[2], '0');
  assert.ok(!slow.some((l) => /not measured/.test(l)));
  const yu7 = figuresTable({ metrics: { orderLatency, confirmedBy: { s120: 0, s180: 0,
    s3600: 500 } }, targetStats: {}, scale: 0.01, ordersPlanned: 500, speed: 36_000 } as never);
  assert.deepEqual(row(yu7, 'orders in first 2 minutes')?.slice(2),
    ['not measured ***', 'not measured ***']);
  assert.deepEqual(row(yu7, 'orders in the hour')?.[2], '500');
});
