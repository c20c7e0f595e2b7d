// Migration 10 on a database made before the `scheduled` status: an order production had
// already allocated a car to (built_cars) becomes scheduled, with a `scheduled` event naming
// its VIN; a locked order without a car stays locked; the figures do not move; and the status
// CHECK takes `scheduled` and still refuses anything else. Both stores: SQLite in a temporary
// folder, PostgreSQL in a fresh schema of the shared server.
import { strict as assert } from 'node:assert';
import { order } from '../src/orders/orders-store.contract.js';
import type { Order } from '../src/orders/order.js';
import { ordersThen, upgradeOnBothStores } from './migrated-to.js';

const LOCKED = { status: 'locked' as const, lockedAtMs: 2_000, queuedAtMs: 2_000 };
const ORDERS: readonly Order[] = [
  order(1, { ...LOCKED, queuePlace: 1, trimSeq: 1 }),
  order(2, { ...LOCKED, queuePlace: 2, trimSeq: 2 }),
  order(3),
];
const VIN = 'LXMSU7AB0R0000001';
/** Order 1's car, allocated as the code before the status left it; a pooled car beside it. */
const CARS = 'INSERT INTO built_cars (vin, launch_id, trim, options, built_on, recorded_at_ms, '
  + `recorded_by, order_id, placed_at_ms, pooled) VALUES ('${VIN}', 'yu7-2025', 'standard', '', `
  + "'2025-07-09', 5000, 'operator:admin', 'ord_00001', 5000, 0), ('LXMSU7AB0R0000002', "
  + "'yu7-2025', 'standard', '', '2025-07-09', 5000, 'operator:admin', NULL, 5000, 1)";
/** ORDERS and CARS as the code before migration 10 wrote them, in each store's SQL. */
const ROWS = ordersThen(ORDERS, [CARS]);

await upgradeOnBothStores({
  name: 'scheduled after an upgrade', version: 10, rows: ROWS,
  test: 'migration 10 makes the allocated order scheduled, with its VIN in its history, and '
    + 'nothing else',
  check: async (store) => {
    assert.equal((await store.order('ord_00001'))!.status, 'scheduled');
    assert.equal((await store.order('ord_00001'))!.version, 2);
    assert.equal((await store.order('ord_00002'))!.status, 'locked');
    assert.equal((await store.order('ord_00003'))!.status, 'firm');
    const events = await store.orderEvents('ord_00001');
    assert.deepEqual(events.map((e) => [e.type, e.actor, e.atMs]),
      [['scheduled', 'system', 5000]]);
    assert.deepEqual(events[0]!.detail, { vin: VIN, built_on: '2025-07-09', migrated: true });
    // Still in the production queue, as a locked order is.
    const queue = await store.transaction((tx) => tx.lockedQueue());
    assert.deepEqual(queue.map((q) => q.orderId).sort(), ['ord_00001', 'ord_00002']);
    await store.transaction((tx) => tx.updateOrders([{ ...ORDERS[1]!, status: 'scheduled',
      version: 2 }]));
    await assert.rejects(store.transaction((tx) => tx.updateOrders([{ ...ORDERS[2]!,
      status: 'bogus' as never, version: 2 }])), /CHECK|check/);
  },
});
