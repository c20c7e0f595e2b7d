// Orders' part of the storage contract (kernel/store/store-contract.ts): orders, their events,
// sequences and counters, and the transactions' guarantees that orders rely on (rollback,
// isolation, row locks across processes), on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Account } from '../accounts/index.js';
import {
  barrier, HOUR_MS, storeTest, T0, type OpenedStore,
} from '../kernel/store/store-contract.js';
import type { Store, StoreTx } from '../kernel/store/store.js';
import type { ChangeWindow, Launch } from '../launches/index.js';
import type { Order } from './order.js';
import { takeNotice, type PaymentNotice, type RefundOwner } from './payment-notification.js';
import type { OrderEvent } from './orders-store.js';

/** The session of one token hash, through the port's one read of many (null: none). */
const sessionOf = async (store: Store, tokenHash: string) =>
  (await store.sessionsByTokens([tokenHash])).get(tokenHash) ?? null;

/** The account a token hash signs in, through the session port. */
const accountOf = async (store: Store, tokenHash: string): Promise<Account | null> =>
  (await sessionOf(store, tokenHash))?.account ?? null;

export function account(n: number): Account {
  const pad = (width: number): string => String(n).padStart(width, '0');
  return { accountId: `acc_${pad(4)}`, phone: `139${pad(8)}`,
    name: `Buyer ${n}`, idNumber: `11010519491231${pad(4)}`,
    createdAtMs: T0 - HOUR_MS + n };
}

/** A firm order with every nullable field null and no options. */
export function order(n: number, overrides: Partial<Order> = {}): Order {
  return {
    orderId: `ord_${String(n).padStart(5, '0')}`, accountId: account(1).accountId,
    launchId: 'yu7-2025', modelId: 'yu7', trim: 'standard', options: [], city: 'beijing',
    status: 'firm', priceFen: 25_350_000, depositFen: 500_000, depositState: 'held',
    createdAtMs: T0 + n, coolingOffEndsAtMs: T0 + 168 * HOUR_MS + n, lockedAtMs: null,
    cancelledAtMs: null, queuedAtMs: null, queuePlace: null, trimSeq: null,
    changedInWindowId: null, idempotencyKey: `key-${n}`, requestHash: `hash-${n}`, version: 1,
    ...overrides,
  };
}

/** A locked order with every field filled. */
function lockedOrder(n: number): Order {
  return order(n, { status: 'locked', trim: 'max', priceFen: 32_990_000,
    options: ['colour-emerald-green', 'extras-lidar', 'wheels-21in'], lockedAtMs: T0 + 60_000,
    queuedAtMs: T0 + 120_000, queuePlace: 7, trimSeq: 42, changedInWindowId: 'win_1',
    version: 3 });
}

function launch(launchId: string, opensAtMs: number): Launch {
  return { launchId, modelId: 'yu7', name: 'Xiaomi YU7', nameZh: '小米YU7', opensAtMs,
    depositFen: 500_000, coolingOffHours: 168, perAccountLimit: 2, locksOnPayment: false,
    trims: [{ trim: 'standard', name: 'YU7 Standard', nameZh: 'YU7 标准版',
      priceFen: 25_350_000, capacityPerWeek: 1100, leadWeeks: 3 }],
    options: [{ optionId: 'colour-emerald-green', group: 'colour', name: 'Emerald Green',
      nameZh: '翡翠绿', priceFen: 0, isDefault: false }],
    cities: [{ cityId: 'beijing', name: 'Beijing', nameZh: '北京', openedOn: '2024-03-28' }] };
}

function changeWindow(windowId: string, closedAtMs: number | null): ChangeWindow {
  return { windowId, fromLaunchId: 'su7-2024', toLaunchId: 'yu7-2025', opensAtMs: T0,
    closesAtMs: T0 + 74 * HOUR_MS, allows: ['model', 'trim'], closedAtMs,
    createdBy: 'operator', createdAtMs: T0 - HOUR_MS };
}

const ids = (orders: readonly Order[]): string[] => orders.map((o) => o.orderId);

export function ordersStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);
  const withAccounts = (store: Store, ...ns: number[]) => store.transaction(async (tx) => {
    for (const n of ns) await tx.insertAccount(account(n), `token-${n}`);
  });

  describe(`${name} store contract`, () => {
    describe('refund notices', () => {
      test('a second refund notice for a settled refund is an anomaly; the first after a '
        + 'status query is not', async (store) => {
        // The refunds are a drop's (its owner says so): no order row is needed.
        const settledBy: string[] = [];
        const owner: RefundOwner = async (_tx, r) => {
          settledBy.push(String(r.detail.event_id ?? r.detail.via));
          return true;
        };
        const notice = (eventId: string, reference: string): PaymentNotice => ({ eventId,
          type: 'refund.succeeded', reference, amountFen: 500_000, occurredAtMs: T0 });
        const take = (n: PaymentNotice, atMs: number) =>
          store.transaction((tx) => takeNotice(tx, n, atMs, [owner]));
        await store.transaction(async (tx) => {
          for (const n of [1, 2]) {
            await tx.queuePayment({ opId: `pop_${n}`, kind: 'refund', reference: `dep_${n}`,
              orderId: `hold_${n}`, amountFen: 500_000, createdAtMs: T0 });
          }
        });
        assert.deepEqual(await take(notice('evt_1', 'dep_1'), T0 + 1),
          { duplicate: false, anomaly: null });
        assert.deepEqual(await take(notice('evt_1', 'dep_1'), T0 + 2),
          { duplicate: true, anomaly: null });
        assert.deepEqual(await take(notice('evt_2', 'dep_1'), T0 + 3),
          { duplicate: false, anomaly: 'refund_settled_again' });
        // Settled by a status query (payment-reconciler.ts), then its first notice: no anomaly.
        await store.transaction((tx) => tx.settleRefund('dep_2', T0 + 4));
        assert.deepEqual(await take(notice('evt_9', 'dep_2'), T0 + 5),
          { duplicate: false, anomaly: null });
        assert.deepEqual(await take(notice('evt_10', 'dep_2'), T0 + 6),
          { duplicate: false, anomaly: 'refund_settled_again' });
        assert.deepEqual(settledBy, ['evt_1'], 'settled once, by its first notice');
        const seen = await store.paymentAnomalies(10);
        assert.deepEqual(seen.map((a) => [a.kind, a.reference, a.eventId]), [
          ['refund_settled_again', 'dep_2', 'evt_10'],
          ['refund_settled_again', 'dep_1', 'evt_2']]);
        assert.deepEqual(seen[1]!.detail, { source: 'notification', notified_fen: 500_000,
          asked_fen: 500_000, order_id: 'hold_1', occurred_at: new Date(T0).toISOString(),
          earlier_event_ids: ['evt_1'], settled_at: new Date(T0 + 1).toISOString() });
        assert.deepEqual(seen[0]!.detail.earlier_event_ids, ['evt_9']);
      });
      test('two notices of one refund taken at once by two processes: the second is an '
        + 'anomaly', async (store, opened) => {
        const peer = opened.openPeer ? await opened.openPeer() : store;
        try {
          const settledBy: string[] = [];
          const owner: RefundOwner = async (_tx, r) => {
            settledBy.push(String(r.detail.event_id));
            return true;
          };
          await store.transaction((tx) => tx.queuePayment({ opId: 'pop_1', kind: 'refund',
            reference: 'dep_1', orderId: 'hold_1', amountFen: 500_000, createdAtMs: T0 }));
          const meet = barrier(2, 300);
          // Both read the refund unsettled, then settle it: one settles, the other must see it.
          const take = (s: Store, eventId: string) => s.transaction((tx) => {
            const racing = new Proxy(tx, { get(target, key) {
              const v = Reflect.get(target, key, target) as unknown;
              if (key === 'settleRefund') {
                return async (reference: string, atMs: number) => {
                  await meet();
                  return target.settleRefund(reference, atMs);
                };
              }
              return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
            } });
            return takeNotice(racing, { eventId, type: 'refund.succeeded', reference: 'dep_1',
              amountFen: 500_000, occurredAtMs: T0 }, T0 + 1, [owner]);
          });
          const outcomes = await Promise.all([take(store, 'evt_1'), take(peer, 'evt_2')]);
          assert.deepEqual(outcomes.map((o) => o.anomaly).sort(),
            [null, 'refund_settled_again'], JSON.stringify(outcomes));
          assert.equal(settledBy.length, 1, 'settled once');
          const seen = await store.paymentAnomalies(10);
          assert.deepEqual(seen.map((a) => [a.kind, a.reference]),
            [['refund_settled_again', 'dep_1']]);
          assert.equal(seen[0]!.eventId === settledBy[0], false, 'the other notice is flagged');
          assert.deepEqual(seen[0]!.detail.earlier_event_ids, settledBy);
        } finally {
          if (peer !== store) await peer.close();
        }
      });
    });

    describe('orders', () => {
      test('every field survives insert, read and update, nulls and empty options too',
        async (store) => {
          const firm = order(1);
          const locked = lockedOrder(2);
          await store.transaction((tx) => tx.insertOrders([firm, locked]));
          assert.deepEqual(await store.order(firm.orderId), firm);
          assert.deepEqual(await store.order(locked.orderId), locked);
          assert.equal(await store.order('ord_none'), null);
          const [a, b] = await store.transaction((tx) =>
            tx.ordersForUpdate([locked.orderId, 'ord_none', firm.orderId]));
          assert.deepEqual([a, b], [locked, firm]);

          const cancelled: Order = { ...locked, status: 'cancelled', depositState: 'forfeited',
            cancelledAtMs: T0 + HOUR_MS, options: [], changedInWindowId: null, version: 4 };
          const relocked: Order = { ...firm, status: 'locked', lockedAtMs: T0 + 5,
            queuedAtMs: T0 + 5, queuePlace: 1, trimSeq: 1, options: ['x'], version: 2 };
          await store.transaction((tx) => tx.updateOrders([cancelled, relocked]));
          assert.deepEqual(await store.order(locked.orderId), cancelled);
          assert.deepEqual(await store.order(firm.orderId), relocked);
        });

      test('the locked queue lists every order past its lock (scheduled too) and nothing else',
        async (store) => {
          await store.transaction((tx) => tx.insertOrders([order(1), lockedOrder(2),
            order(3, { status: 'cancelled', trimSeq: 3, queuedAtMs: T0 + 9 }),
            { ...lockedOrder(4), status: 'scheduled', trimSeq: 43, queuePlace: 8 }]));
          const entry = (n: number, trimSeq: number) => ({
            orderId: lockedOrder(n).orderId, accountId: account(1).accountId,
            launchId: 'yu7-2025', trim: 'max', city: 'beijing',
            options: ['colour-emerald-green', 'extras-lidar', 'wheels-21in'], trimSeq,
            queuedAtMs: T0 + 120_000 });
          const queue = await store.transaction((tx) => tx.lockedQueue());
          assert.deepEqual(queue.sort((a, b) => a.trimSeq - b.trimSeq), [entry(2, 42),
            entry(4, 43)]);
        });

      test('updating an order that does not exist fails the transaction', async (store) => {
        await store.transaction((tx) => tx.insertOrders([order(1)]));
        await assert.rejects(store.transaction((tx) =>
          tx.updateOrders([order(1, { version: 2 }), order(2)])));
        assert.deepEqual(await store.order(order(1).orderId), order(1));
      });

      test('an idempotency key of an account is taken once', async (store) => {
        await store.transaction((tx) => tx.insertOrders([order(1)]));
        await assert.rejects(store.transaction((tx) =>
          tx.insertOrders([order(2, { idempotencyKey: order(1).idempotencyKey })])));
        await store.transaction((tx) => tx.insertOrders([order(3, {
          idempotencyKey: order(1).idempotencyKey, accountId: account(2).accountId })]));
      });

      test('orders are found by account and idempotency key', async (store) => {
        const mine = order(1);
        const theirs = order(2, { accountId: account(2).accountId });
        await store.transaction((tx) => tx.insertOrders([mine, theirs]));
        const found = await store.transaction((tx) => tx.ordersByIdempotency([
          { accountId: mine.accountId, key: mine.idempotencyKey },
          { accountId: mine.accountId, key: theirs.idempotencyKey },
          { accountId: theirs.accountId, key: theirs.idempotencyKey },
          { accountId: theirs.accountId, key: 'key-none' },
        ]));
        assert.deepEqual(found, [mine, theirs]);
        assert.deepEqual(await store.transaction((tx) => tx.ordersByIdempotency([])), []);
      });

      test('active order counts leave out cancelled orders and other launches',
        async (store) => {
          const [a1, a2, a3] = [1, 2, 3].map((n) => account(n).accountId) as [string, string,
            string];
          await store.transaction((tx) => tx.insertOrders([
            order(1, { accountId: a1 }), order(2, { accountId: a1, status: 'locked' }),
            order(3, { accountId: a1, status: 'cancelled' }),
            order(4, { accountId: a2, status: 'cancelled' }),
            order(5, { accountId: a2, launchId: 'su7-2024' }),
            order(6, { accountId: a3 }),
          ]));
          const counts = await store.transaction((tx) =>
            tx.activeOrderCounts('yu7-2025', [a1, a2, a3, 'acc_none']));
          assert.deepEqual(counts, new Map([[a1, 2], [a3, 1]]));
          assert.deepEqual(await store.transaction((tx) =>
            tx.activeOrderCounts('su7-2024', [a1, a2])), new Map([[a2, 1]]));
          assert.deepEqual(await store.transaction((tx) => tx.activeOrderCounts('x', [])),
            new Map());
          // Outside a transaction, one account at a time (a waiting room's join asks).
          assert.deepEqual(await Promise.all([a1, a2, a3, 'acc_none'].map((a) =>
            store.activeOrderCount('yu7-2025', a))), [2, 0, 1, 0]);
        });

      test('an order an operator cancelled as suspicious still counts; a buyer\'s cancel not',
        async (store) => {
          const [a1, a2] = [1, 2].map((n) => account(n).accountId) as [string, string];
          await store.transaction(async (tx) => {
            await tx.insertOrders([order(1, { accountId: a1, status: 'cancelled' }),
              order(2, { accountId: a2, status: 'cancelled' }),
              order(3, { accountId: a2, status: 'cancelled' })]);
            const cancelled = (n: number, actor: string, detail: Record<string, unknown>) => ({
              orderId: order(n).orderId, atMs: T0 + n, type: 'cancelled' as const, actor,
              detail: { deposit_state: 'refunded', from_status: 'firm', ...detail } });
            await tx.insertEvents([cancelled(1, 'operator:ops', { reason: 'ring',
              flagged: true }), cancelled(2, `buyer:${a2}`, {}),
            cancelled(3, 'operator:ops', { reason: 'asked by phone' })]);
          });
          assert.deepEqual(await store.transaction((tx) =>
            tx.activeOrderCounts('yu7-2025', [a1, a2])), new Map([[a1, 1]]));
          assert.equal(await store.activeOrderCount('yu7-2025', a1), 1);
          assert.equal(await store.activeOrderCount('yu7-2025', a2), 0);
        });

      test('due firm orders come earliest first, ties by id, up to the limit', async (store) => {
        const at = (n: number, endsAtMs: number, status: Order['status'] = 'firm') =>
          order(n, { coolingOffEndsAtMs: endsAtMs, status });
        await store.transaction((tx) => tx.insertOrders([
          at(1, T0 + 30), at(2, T0 + 10), at(3, T0 + 20), at(4, T0 + 10), at(5, T0 + 5, 'locked'),
          at(6, T0 + 7, 'cancelled'), at(7, T0 + 31), at(8, T0 + 100),
        ]));
        const due = (nowMs: number, limit: number) =>
          store.transaction(async (tx) => ids(await tx.dueFirmOrders(nowMs, limit)));
        assert.deepEqual(await due(T0 + 30, 10),
          ['ord_00002', 'ord_00004', 'ord_00003', 'ord_00001']);
        assert.deepEqual(await due(T0 + 1000, 3), ['ord_00002', 'ord_00004', 'ord_00003']);
        assert.deepEqual(await due(T0 + 9, 10), []);
      });

      test("an account's orders come newest first, up to the limit", async (store) => {
        const other = account(2).accountId;
        await store.transaction((tx) => tx.insertOrders([
          order(1, { createdAtMs: T0 + 3 }), order(2, { createdAtMs: T0 + 1 }),
          order(3, { createdAtMs: T0 + 3 }), order(4, { createdAtMs: T0 + 9, accountId: other }),
          order(5, { createdAtMs: T0 + 2 }),
        ]));
        const mine = account(1).accountId;
        assert.deepEqual(ids(await store.ordersOfAccount(mine, 10)),
          ['ord_00003', 'ord_00001', 'ord_00005', 'ord_00002']);
        assert.deepEqual(ids(await store.ordersOfAccount(mine, 2)), ['ord_00003', 'ord_00001']);
        assert.deepEqual(await store.ordersOfAccount('acc_none', 10), []);
      });

      test("a launch's orders come in pages by order id", async (store) => {
        await store.transaction((tx) => tx.insertOrders([5, 3, 1, 4, 2].map((n) => order(n))
          .concat(order(6, { launchId: 'su7-2024' }))));
        const pages: string[][] = [];
        for (let after = ''; ;) {
          const page = await store.ordersOfLaunch('yu7-2025', after, 2);
          if (page.length === 0) break;
          pages.push(ids(page));
          after = page[page.length - 1]!.orderId;
        }
        assert.deepEqual(pages, [['ord_00001', 'ord_00002'], ['ord_00003', 'ord_00004'],
          ['ord_00005']]);
        assert.deepEqual(await store.ordersOfLaunch('none', '', 10), []);
      });

      test('a batch of thousands of orders is written, found and updated', async (store) => {
        // 3,000 orders x 22 columns is past PostgreSQL's 65,535 bind parameters.
        const many = Array.from({ length: 3000 }, (_, i) => order(i + 1,
          { accountId: account(i % 500).accountId, options: i % 2 ? ['a', 'b'] : [] }));
        await store.transaction((tx) => tx.insertOrders(many));
        const refs = many.map((o) => ({ accountId: o.accountId, key: o.idempotencyKey }));
        const found = await store.transaction((tx) => tx.ordersByIdempotency(refs));
        assert.deepEqual(found, many);
        const counts = await store.transaction((tx) => tx.activeOrderCounts('yu7-2025',
          Array.from({ length: 500 }, (_, i) => account(i).accountId)));
        assert.equal(counts.size, 500);
        assert.ok([...counts.values()].every((n) => n === 6));
        const locked = many.map((o, i) => ({ ...o, status: 'locked' as const, lockedAtMs: T0 + i,
          queuedAtMs: T0 + i, queuePlace: i + 1, trimSeq: i + 1, version: 2 }));
        await store.transaction((tx) => tx.updateOrders(locked));
        const back = await store.transaction((tx) => tx.ordersForUpdate(ids(locked)));
        assert.deepEqual(back, locked);
        const events: OrderEvent[] = many.map((o, i) => ({ orderId: o.orderId, atMs: T0 + i,
          type: 'placed', actor: `buyer:${o.accountId}`, detail: { n: i } }));
        await store.transaction((tx) => tx.insertEvents(events));
        assert.deepEqual(await store.orderEvents(many[2999]!.orderId), [events[2999]]);
      });

      test('events of an order come back in the order written', async (store) => {
        const e = (orderId: string, type: string, atMs: number,
          detail: Record<string, unknown> = {}): OrderEvent =>
          ({ orderId, atMs, type, actor: 'system', detail });
        const first = [e('ord_1', 'placed', T0, { deposit_fen: 500_000, options: [] }),
          e('ord_2', 'placed', T0 + 1), e('ord_1', 'locked', T0 - 5, { queue_place: 1 })];
        await store.transaction((tx) => tx.insertEvents(first));
        await store.transaction((tx) => tx.insertEvents([e('ord_1', 'changed', T0 - 9,
          { from: { trim: 'max' }, to: null, requeued: true })]));
        await store.transaction((tx) => tx.insertEvents([]));
        assert.deepEqual((await store.orderEvents('ord_1')).map((x) => x.type),
          ['placed', 'locked', 'changed']);
        assert.deepEqual((await store.orderEvents('ord_1'))[0], first[0]);
        assert.deepEqual((await store.orderEvents('ord_1'))[2]!.detail,
          { from: { trim: 'max' }, to: null, requeued: true });
        assert.deepEqual(await store.orderEvents('ord_2'), [first[1]]);
        assert.deepEqual(await store.orderEvents('ord_none'), []);
      });
    });

    describe('sequences and counters', () => {
      test('locking sequences takes no numbers, for new and existing ones', async (store) => {
        await store.transaction((tx) => tx.takeNumbers('queue:a', 2));
        await store.transaction((tx) => tx.lockSequences(['queue:a', 'queue:new', 'trim:x']));
        await store.transaction((tx) => tx.lockSequences([]));
        assert.equal(await store.transaction((tx) => tx.takeNumbers('queue:a', 1)), 3);
        assert.equal(await store.transaction((tx) => tx.takeNumbers('queue:new', 1)), 1);
      });

      test('numbers are taken in consecutive ranges per sequence', async (store) => {
        const take = (seq: string, count: number) =>
          store.transaction((tx) => tx.takeNumbers(seq, count));
        assert.equal(await take('queue:a', 1), 1);
        assert.equal(await take('queue:a', 5), 2);
        assert.equal(await take('queue:b', 3), 1);
        assert.equal(await take('queue:a', 1), 7);
        assert.deepEqual(await store.transaction(async (tx) =>
          [await tx.takeNumbers('queue:b', 2), await tx.takeNumbers('queue:b', 1)]), [4, 6]);
      });

      test('released production sequences are counted below a number', async (store) => {
        await store.transaction(async (tx) => {
          for (const s of [3, 5, 9]) await tx.releaseSeq('yu7-2025/max', s);
          await tx.releaseSeq('yu7-2025/pro', 1);
        });
        assert.equal(await store.releasedBefore('yu7-2025/max', 3), 0);
        assert.equal(await store.releasedBefore('yu7-2025/max', 4), 1);
        assert.equal(await store.releasedBefore('yu7-2025/max', 10), 3);
        assert.equal(await store.releasedBefore('yu7-2025/pro', 10), 1);
        assert.equal(await store.releasedBefore('none', 10), 0);
      });

      test('counters add up, negative deltas included, per launch', async (store) => {
        await store.transaction((tx) => tx.addCounters([
          { launchId: 'yu7', key: 'orders.firm', delta: 3 },
          { launchId: 'yu7', key: 'deposits.held', delta: 1_500_000 },
          { launchId: 'su7', key: 'orders.firm', delta: 1 },
        ]));
        await store.transaction((tx) => tx.addCounters([
          { launchId: 'yu7', key: 'orders.firm', delta: -1 },
          { launchId: 'yu7', key: 'orders.locked', delta: 1 },
          { launchId: 'yu7', key: 'orders.locked', delta: 1 },
        ]));
        await store.transaction((tx) => tx.addCounters([]));
        assert.deepEqual(await store.counters('yu7'), new Map([['orders.firm', 2],
          ['deposits.held', 1_500_000], ['orders.locked', 2]]));
        assert.deepEqual(await store.counters('su7'), new Map([['orders.firm', 1]]));
        assert.deepEqual(await store.counters('none'), new Map());
      });

      test('counters from a key on: the range the live series re-reads', async (store) => {
        await store.transaction((tx) => tx.addCounters([
          { launchId: 'placed:yu7', key: '1750946399', delta: 2 },
          { launchId: 'placed:yu7', key: '1750946400', delta: 5 },
          { launchId: 'placed:yu7', key: '1750946401', delta: 1 },
          { launchId: 'placed:su7', key: '1750946401', delta: 9 },
        ]));
        await store.transaction((tx) => tx.addCounters([
          { launchId: 'placed:yu7', key: '1750946401', delta: 3 }]));
        assert.deepEqual(await store.counters('placed:yu7', '1750946400'),
          new Map([['1750946400', 5], ['1750946401', 4]]));
        assert.deepEqual(await store.counters('placed:yu7', '1750946402'), new Map());
        assert.equal((await store.counters('placed:yu7')).size, 3);
      });

      test('a counter beyond 2^32 stays exact', async (store) => {
        // 289,000 YU7 orders x 253,500 yuan is about 7.3e12 fen of potential revenue.
        const big = 289_000 * 25_350_000;
        await store.transaction((tx) => tx.addCounters([
          { launchId: 'yu7', key: 'revenue.potential', delta: big }]));
        await store.transaction((tx) => tx.addCounters([
          { launchId: 'yu7', key: 'revenue.potential', delta: big }]));
        assert.deepEqual(await store.counters('yu7'), new Map([['revenue.potential', 2 * big]]));
      });
    });

    describe('idempotency', () => {
      test('an order is found by its account and idempotency key', async (store) => {
        await store.transaction(async (tx) => {
          await tx.insertAccount(account(1), 'token-1');
          await tx.insertOrders([order(1)]);
        });
        assert.deepEqual(await store.orderByIdempotency(account(1).accountId, 'key-1'),
          order(1));
        assert.equal(await store.orderByIdempotency(account(1).accountId, 'key-2'), null);
        assert.equal(await store.orderByIdempotency(account(2).accountId, 'key-1'), null);
      });
    });

    describe('transactions', () => {
      const writeEverything = async (tx: StoreTx): Promise<void> => {
        await tx.insertAccount(account(1), 'token-1');
        await tx.insertOrders([order(1)]);
        await tx.insertEvents([{ orderId: order(1).orderId, atMs: T0, type: 'placed',
          actor: 'system', detail: {} }]);
        await tx.addCounters([{ launchId: 'yu7-2025', key: 'orders.firm', delta: 1 }]);
        await tx.takeNumbers('queue:a', 1);
        await tx.releaseSeq('yu7-2025/max', 1);
        await tx.setMeta('seeded_at', 'now');
        await tx.putLaunch(launch('yu7-2025', T0));
        await tx.putChangeWindow(changeWindow('win_1', null));
        await tx.appendAudit({ atMs: T0, actor: 'operator', action: 'x', detail: {} });
        await tx.queuePayment({ opId: 'pop_1', kind: 'refund', reference: 'r', orderId: 'o',
          amountFen: 1, createdAtMs: T0 });
      };
      const assertEmpty = async (store: Store): Promise<void> => {
        assert.equal(await store.accountById(account(1).accountId), null);
        assert.equal(await accountOf(store, 'token-1'), null);
        assert.equal(await store.order(order(1).orderId), null);
        assert.deepEqual(await store.orderEvents(order(1).orderId), []);
        assert.deepEqual(await store.counters('yu7-2025'), new Map());
        assert.equal(await store.releasedBefore('yu7-2025/max', 10), 0);
        assert.equal(await store.meta('seeded_at'), null);
        assert.deepEqual(await store.launches(), []);
        assert.deepEqual(await store.changeWindows(), []);
        assert.deepEqual(await store.auditLog(10), []);
        assert.deepEqual(await store.pendingPayments(10), []);
      };

      test('a transaction returns what its function returns', async (store) => {
        assert.equal(await store.transaction(async () => 42), 42);
      });

      test('a throw rolls everything back and reaches the caller', async (store) => {
        const boom = new Error('boom');
        await assert.rejects(store.transaction(async (tx) => {
          await writeEverything(tx);
          throw boom;
        }), (err) => err === boom);
        await assertEmpty(store);
        // The sequence restarts at 1: the taken number went with the rollback.
        assert.equal(await store.transaction((tx) => tx.takeNumbers('queue:a', 1)), 1);
      });

      test('reads outside a transaction see only committed writes', async (store) => {
        let release!: () => void;
        const hold = new Promise<void>((resolve) => { release = resolve; });
        let written!: () => void;
        const wasWritten = new Promise<void>((resolve) => { written = resolve; });
        const tx = store.transaction(async (t) => {
          await writeEverything(t);
          written();
          await hold;
        });
        await wasWritten;
        await assertEmpty(store);
        release();
        await tx;
        assert.deepEqual(await store.order(order(1).orderId), order(1));
        assert.equal(await store.meta('seeded_at'), 'now');
      });

      test('transactions started at once take unique, gap-free numbers', async (store) => {
        const counts = Array.from({ length: 40 }, (_, i) => 1 + (i % 7));
        const firsts = await Promise.all(counts.map((count) => store.transaction(async (tx) => {
          const first = await tx.takeNumbers('trim:yu7-2025/max', count);
          await tx.addCounters([{ launchId: 'yu7-2025', key: 'orders.locked', delta: count }]);
          return first;
        })));
        const taken = firsts.flatMap((first, i) =>
          Array.from({ length: counts[i]! }, (_, k) => first + k)).sort((a, b) => a - b);
        const total = counts.reduce((a, b) => a + b, 0);
        assert.deepEqual(taken, Array.from({ length: total }, (_, i) => i + 1));
        assert.deepEqual(await store.counters('yu7-2025'), new Map([['orders.locked', total]]));
      });

      test('transactions that lock accounts in opposite orders both complete', async (store) => {
        await withAccounts(store, 1, 2);
        const [a, b] = [account(1).accountId, account(2).accountId];
        const meet = barrier(2, 300);
        let runs = 0;
        // Each holds one account and then asks for the other's: on a database with row locks
        // that is a deadlock, which the store must resolve by running one of them again.
        const cross = (first: string, second: string, n: number) =>
          store.transaction(async (tx) => {
            runs++;
            await tx.lockAccounts([first]);
            await meet();
            await tx.lockAccounts([second]);
            await tx.insertOrders([order(n, { accountId: first })]);
          });
        await Promise.all([cross(a, b, 1), cross(b, a, 2)]);
        assert.ok(runs >= 2);
        assert.deepEqual(ids(await store.ordersOfLaunch('yu7-2025', '', 10)),
          ['ord_00001', 'ord_00002']);
      });

      test('an order read for update is not changed by another until commit',
        async (store, opened) => {
          const peer = opened.openPeer ? await opened.openPeer() : store;
          try {
            await store.transaction((tx) => tx.insertOrders([order(1)]));
            const meet = barrier(2, 300);
            // Each reads the version and writes the next one: a lost update would leave 2.
            const bump = (s: Store) => s.transaction(async (tx) => {
              const [o] = await tx.ordersForUpdate([order(1).orderId]);
              await meet();
              await tx.updateOrders([{ ...o!, version: o!.version + 1 }]);
            });
            await Promise.all([bump(store), bump(peer)]);
            assert.equal((await store.order(order(1).orderId))!.version, 3);
          } finally {
            if (peer !== store) await peer.close();
          }
        });

      test('two sweeps at once lock each due order once', async (store, opened) => {
        const peer = opened.openPeer ? await opened.openPeer() : store;
        try {
          await store.transaction((tx) => tx.insertOrders([1, 2, 3, 4, 5].map((n) =>
            order(n, { coolingOffEndsAtMs: T0 + n }))));
          const meet = barrier(2, 300);
          const sweep = (s: Store) => s.transaction(async (tx) => {
            const due = await tx.dueFirmOrders(T0 + 100, 10);
            await meet();
            await tx.updateOrders(due.map((o) => ({ ...o, status: 'locked' as const,
              lockedAtMs: o.coolingOffEndsAtMs, version: o.version + 1 })));
            return due.length;
          });
          const swept = await Promise.all([sweep(store), sweep(peer)]);
          assert.equal(swept[0]! + swept[1]!, 5);
          const after = await store.ordersOfLaunch('yu7-2025', '', 10);
          assert.ok(after.every((o) => o.status === 'locked' && o.version === 2));
        } finally {
          if (peer !== store) await peer.close();
        }
      });

      test('locked accounts never exceed a limit of 2 orders, across processes',
        async (store, opened) => {
          const peer = opened.openPeer ? await opened.openPeer() : null;
          try {
            await withAccounts(store, 1, 2, 3);
            const accounts = [1, 2, 3].map((n) => account(n).accountId);
            const stores = peer ? [store, peer] : [store];
            let n = 0;
            const attempt = (s: Store, accountId: string) => s.transaction(async (tx) => {
              const orderNo = ++n;
              await tx.lockAccounts([accountId]);
              const active = await tx.activeOrderCounts('yu7-2025', [accountId]);
              await sleep(2); // Widens the gap between the count and the write.
              if ((active.get(accountId) ?? 0) >= 2) return false;
              await tx.insertOrders([order(orderNo, { accountId })]);
              return true;
            });
            const placed = await Promise.all(Array.from({ length: 30 }, (_, i) =>
              attempt(stores[i % stores.length]!, accounts[i % accounts.length]!)));
            assert.equal(placed.filter(Boolean).length, 6);
            const counts = await store.transaction((tx) =>
              tx.activeOrderCounts('yu7-2025', accounts));
            assert.deepEqual(counts, new Map(accounts.map((a) => [a, 2])));
            if (peer) {
              // Each process writes its own counter shard; a read adds them all up.
              await peer.transaction((tx) => tx.addCounters([
                { launchId: 'yu7-2025', key: 'orders.firm', delta: 2 }]));
              await store.transaction((tx) => tx.addCounters([
                { launchId: 'yu7-2025', key: 'orders.firm', delta: 3 }]));
              assert.deepEqual(await peer.counters('yu7-2025'), new Map([['orders.firm', 5]]));
              assert.equal(await peer.transaction((tx) => tx.takeNumbers('q', 2)), 1);
              assert.equal(await store.transaction((tx) => tx.takeNumbers('q', 1)), 3);
            }
          } finally {
            await peer?.close();
          }
        });
    });

    describe('text inputs and rate counters', () => {
      // PostgreSQL cannot hold NUL and used to answer a lookup by one with an error (a 500);
      // SQLite found nothing. Every adapter must find nothing.
      const NUL = ['\u0000', '13900000001\u0000', `${account(1).idNumber}\u0000`,
        `${order(1).orderId}\u0000x`];
      test('a lookup by a key holding NUL finds nothing, on every adapter', async (store) => {
        await withAccounts(store, 1);
        await store.transaction(async (tx) => {
          await tx.insertOrders([order(1)]);
          await tx.setMeta('k', 'v');
        });
        for (const key of NUL) {
          assert.equal(await store.accountByPhone(key), null, JSON.stringify(key));
          assert.equal(await store.accountByIdNumber(key), null);
          assert.equal(await store.accountById(key), null);
          assert.equal(await sessionOf(store, key), null);
          assert.equal(await store.operatorByToken(key), null);
          assert.equal(await store.order(key), null);
          assert.deepEqual(await store.ordersOfAccount(key, 10), []);
          assert.deepEqual(await store.ordersOfLaunch(key, '', 10), []);
          assert.deepEqual(await store.ordersOfLaunch('yu7-2025', key, 10), []);
          assert.deepEqual(await store.orderEvents(key), []);
          assert.deepEqual(await store.counters(key), new Map());
          assert.equal(await store.releasedBefore(key, 10), 0);
          assert.equal(await store.meta(key), null);
          assert.equal(await store.transaction((tx) => tx.getCode(key)), null);
        }
        // Text that PostgreSQL can hold is found as it was stored, NUL or not around it.
        assert.deepEqual(await store.accountByPhone(account(1).phone), account(1));
        assert.deepEqual((await store.ordersOfLaunch('yu7-2025', '', 10)).length, 1);
      });

      test('names are stored and read back exactly, whatever their script', async (store) => {
        const names = ['𠀀'.repeat(33), '😀'.repeat(40), 'Zoë Ågren', '李雷', 'O\'Brien-Núñez'];
        await store.transaction(async (tx) => {
          for (const [i, name] of names.entries()) {
            await tx.insertAccount({ ...account(i + 1), name }, `token-${i}`);
          }
        });
        for (const [i, name] of names.entries()) {
          assert.equal((await store.accountById(account(i + 1).accountId))?.name, name);
        }
      });

    });
  });
}
