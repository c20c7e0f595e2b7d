// Migration 27 on a database whose stored estimates had no production sequence: each takes its
// order's trimSeq (an estimate whose order is not on record takes 0), so the tail of each trim,
// and so "if you lock now", is right before the next re-plan rewrites them. Both stores: SQLite
// in a temporary folder, PostgreSQL in a fresh schema of the shared server.
import { strict as assert } from 'node:assert';
import { order } from '../src/orders/orders-store.contract.js';
import type { Order } from '../src/orders/order.js';
import { ordersThen, upgradeOnBothStores } from './migrated-to.js';

const LOCKED = { status: 'locked' as const, lockedAtMs: 2_000, queuedAtMs: 2_000 };
const ORDERS: readonly Order[] = [
  order(1, { ...LOCKED, queuePlace: 1, trimSeq: 4 }),
  order(2, { ...LOCKED, queuePlace: 2, trimSeq: 9 }),
];
/** Estimates as the code before migration 27 wrote them (no trim_seq); ord_00003 is gone. */
const ESTIMATES = 'INSERT INTO order_estimates (order_id, account_id, launch_id, trim, city, '
  + 'position, build_week, arrival_week, centre, handover_week, plan_version) VALUES '
  + "('ord_00001', 'acc_1', 'yu7-2025', 'standard', 'beijing', 1, 80, 81, NULL, 81, 1), "
  + "('ord_00002', 'acc_1', 'yu7-2025', 'standard', 'beijing', 2, 81, 82, NULL, 82, 1), "
  + "('ord_00003', 'acc_1', 'yu7-2025', 'max', 'beijing', 1, 81, 82, NULL, 82, 1)";
const ROWS = ordersThen(ORDERS, [ESTIMATES]);

await upgradeOnBothStores({
  name: 'estimates\' production sequence after an upgrade', version: 27, rows: ROWS,
  test: 'migration 27 gives each stored estimate its order\'s trimSeq, 0 for an order not on '
    + 'record, and each trim\'s build weeks their highest',
  check: async (store) => {
    assert.equal((await store.storedEstimate('ord_00001'))!.trimSeq, 4);
    assert.equal((await store.storedEstimate('ord_00002'))!.trimSeq, 9);
    assert.equal((await store.storedEstimate('ord_00003'))!.trimSeq, 0);
    assert.deepEqual(await store.trimBuildWeeks(), [['yu7-2025', 'max', 81, 1, 0],
      ['yu7-2025', 'standard', 80, 1, 4], ['yu7-2025', 'standard', 81, 1, 9]]);
  },
});
