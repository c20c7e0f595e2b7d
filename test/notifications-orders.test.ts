// Orders' ORDER_EVENTS_WRITTEN hook as the composition wires it: a lock, the cooling-off sweep
// and an operator's cancel queue their messages in the order's own transaction, so a message
// exists exactly when its change committed; a batch retried after a failure queues nothing
// twice; and when the hook fails, the order change rolls back with it.
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { collectHooks, hook } from '../src/kernel/capability.js';
import { seedLaunches } from '../src/launches/catalogue.js';
import { notifications } from '../src/notifications/index.js';
import { order } from '../src/orders/orders-store.contract.js';
import { ORDER_EVENTS_WRITTEN, orderCommands } from '../src/orders/order-commands.js';
import { hooks, SqliteStore } from '../src/stores.js';

const OPEN_MS = Date.parse('2025-06-26T14:00:00Z');

it('locks, sweeps and operators\' cancels queue their messages in the same transaction',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launchday-notify-orders-'));
    const store = new SqliteStore(dir);
    try {
      const yu7 = seedLaunches(0).find((l) => l.launchId === 'yu7-2025')!;
      const firm = (n: number, createdAtMs = OPEN_MS) => order(n, { launchId: 'yu7-2025',
        accountId: `acc_${n}`, createdAtMs, coolingOffEndsAtMs: createdAtMs + 7 * 86_400_000 });
      await store.transaction(async (tx) => {
        await tx.putLaunch(yu7);
        await tx.insertOrders([firm(1), firm(2), firm(3), firm(4, OPEN_MS - 8 * 86_400_000)]);
      });
      // The composition's hooks: notifications, production (a scheduled order cancelled gives its
      // car back: none here) and price books (the ledger) implement orders' hook.
      assert.equal(hooks.all(ORDER_EVENTS_WRITTEN).length, 3);
      const { act } = orderCommands({ autoLockBatchMax: 100 }, hooks);
      const nowMs = OPEN_MS + 60_000;
      const id = (n: number) => firm(n).orderId;
      const results = await store.transaction((tx) => act(tx, [
        { orderId: id(1), accountId: 'acc_1', actor: 'buyer:acc_1',
          action: { kind: 'lock', confirm: true } },
        { orderId: id(2), accountId: null, actor: 'operator:alice',
          action: { kind: 'cancel', acceptForfeit: false, reason: 'a duplicate identity' } },
        { orderId: id(3), accountId: 'acc_3', actor: 'buyer:acc_3',
          action: { kind: 'lock', confirm: false } },
      ], nowMs));
      assert.deepEqual(results.map((r) => r.ok), [true, true, false]);
      const kinds = async (n: number) => (await store.notificationsOfOrder(id(n), 10))
        .map((m) => [m.kind, m.accountId, m.params]);
      assert.deepEqual(await kinds(1), [['order_locked', 'acc_1',
        { order_id: id(1), queue_place: 2 }]]);
      assert.deepEqual(await kinds(2), [['order_cancelled', 'acc_2', { order_id: id(2),
        reason: 'a duplicate identity', deposit_state: 'refunded' }]]);
      assert.deepEqual(await kinds(3), [], 'a refused lock');
      // Order 4's cooling-off had ended: the batch's sweep locked it first (queue place 1).
      assert.deepEqual(await kinds(4), [['order_locked', 'acc_4',
        { order_id: id(4), queue_place: 1 }]]);

      // A hook that fails after notifications queued its message: nothing of the batch stays.
      const failing = collectHooks([notifications, { ...notifications, name: 'broken',
        hooks: [hook(ORDER_EVENTS_WRITTEN, async () => { throw new Error('broken hook'); })] }]);
      const broken = orderCommands({ autoLockBatchMax: 100 }, failing);
      await assert.rejects(store.transaction((tx) => broken.act(tx, [{ orderId: id(3),
        accountId: 'acc_3', actor: 'buyer:acc_3', action: { kind: 'lock', confirm: true } }],
      nowMs)), /broken hook/);
      assert.equal((await store.order(id(3)))!.status, 'firm');
      assert.deepEqual(await kinds(3), []);
      // The same lock again, now whole: one message, however often notifications is asked.
      await store.transaction((tx) => act(tx, [{ orderId: id(3), accountId: 'acc_3',
        actor: 'buyer:acc_3', action: { kind: 'lock', confirm: true } }], nowMs));
      assert.equal((await kinds(3)).length, 1);
      assert.equal((await store.notifications(null, 10)).length, 4);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
