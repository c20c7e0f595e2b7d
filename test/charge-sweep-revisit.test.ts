// Charges kept only for now by the payment reconciler's sweep. A hold that runs longer than the
// sweep's grace (a drop hold or waitlist offer, a ready car's hold) keeps its charge while it
// runs; the sweep used to move its one cursor past such a charge and never see it again, so a
// purchase charged just before its process died left the buyer's money held at the provider for
// good once the hold ended unpaid. And a ready car's balance, retried after a crash, is answered
// with the first request's charge: a sweep that voided it between that charge and the settle
// sold the car with its balance voided.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PaymentReconciler } from '../src/orders/payment-reconciler.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { defaultLimits } from '../src/kernel/config.js';
import { ADMIN, quietHarness, type Harness } from './harness.js';
import { jacketDrop } from './drop-fixtures.js';
import { scheduledOrder } from './delivery-fixtures.js';
import {
  beforeSettleOnce, diedAfterCharge, listedCars, reservedByDeposit, vin,
} from './ready-stock-fixtures.js';
import { freshSchemas, withPostgres } from './postgres.js';

/** A provider whose clock a test moves past the sweep's grace: `later()`. */
function movedProvider() {
  let offsetMs = 0;
  const payments = new SandboxPaymentProvider({ nowMs: () => Date.now() + offsetMs });
  const later = () => { offsetMs += defaultLimits.chargeSweepGraceMs + 1000; };
  return { payments, later };
}

/** Holds that outlast the sweep's grace (5 minutes): 15 minutes. */
/** A sweep of charges 2 s on: run as a settle starts, it sees the hold or deadline just ended. */
const sweepAfter = (h: Harness) => async (): Promise<void> => {
  await h.tick(2);
  await h.ld.app.settlement.reconciler.sweepCharges();
};

const LONG_HOLDS = { LAUNCHDAY_DROP_HOLD_SECONDS: '900', LAUNCHDAY_READY_HOLD_SECONDS: '900' };

describe('a charge the sweep kept for a running hold', () => {
  it('is voided once a drop hold ends unpaid', async () => {
    const { payments, later } = movedProvider();
    const h = await quietHarness(LONG_HOLDS, payments);
    try {
      assert.equal((await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
        body: jacketDrop({ s: 5 }) })).status, 201);
      await h.tick(120);
      const b = await h.buyer(1);
      const account = (await h.ld.app.deps.store.accountById(b.accountId))!;
      const held = await h.ld.app.drops.hold(account, 'jacket', { variant: 's', quantity: 1 },
        'k');
      assert.ok(held.ok);
      const { paymentReference: reference, amountFen } = held.value.hold;
      // The pay charged, and its process died before the settle.
      await payments.charge({ reference, amountFen, payer: b.accountId });
      later();
      assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 0,
        'a charge its running hold may still be paid with was voided');
      assert.ok(payments.heldReferences().has(reference));
      await h.tick(901);
      await h.ld.app.drops.sweep();
      assert.equal((await h.ld.app.deps.store.hold(held.value.hold.holdId))?.status, 'expired');
      assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 1);
      assert.equal(payments.heldReferences().has(reference), false,
        'the charge of a hold that ended unpaid is held for good');
    } finally {
      await h.close();
    }
  });

  it('is voided once a ready car\'s hold ends unpaid', async () => {
    const { payments, later } = movedProvider();
    const h = await quietHarness(LONG_HOLDS, payments);
    try {
      const { token } = await h.buyer(1);
      await listedCars(h, [1]);
      const reference = await diedAfterCharge(h, payments, token, 1);
      later();
      assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 0);
      assert.ok(payments.heldReferences().has(reference));
      await h.tick(901);
      await h.ld.app.pricebooks.sweepReady();
      assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 1);
      assert.equal(payments.heldReferences().has(reference), false,
        'the charge of a hold that ended unpaid is held for good');
    } finally {
      await h.close();
    }
  });
});

describe('a ready car\'s balance charged again by a retry', () => {
  it('is not voided by a sweep between the charge and the settle', async () => {
    const { payments, later } = movedProvider();
    const h = await quietHarness({}, payments);
    try {
      const { token, sale } = await reservedByDeposit(h);
      const reference = `rsl_${sale.sale_id}:balance`;
      // The charge is the first request's (older than the grace by the time of the retry); the
      // sweep runs after the provider answered the retry and before its settle.
      const { charge } = payments;
      payments.charge = async (req) => {
        const r = await charge.call(payments, req);
        if (req.reference === reference) {
          later();
          await h.ld.app.settlement.reconciler.sweepCharges();
        }
        return r;
      };
      const paid = await h.call('POST', `/ready-stock/sales/${sale.sale_id}/balance`, { token });
      payments.charge = charge;
      assert.equal(paid.body.sale?.status, 'paid', JSON.stringify(paid.body));
      assert.ok(payments.heldReferences().has(reference), 'a car sold with its balance voided');
    } finally {
      await h.close();
    }
  });
});

/** A paid order's charge walked again, on the store `env` names. */
function paidOrderSuite(store: string, env: () => Record<string, string>,
  after: () => Promise<void>): void {
  describe(`a paid order's charge walked again by the sweep (${store})`, () => {
    it('is kept though its buyer has placed a thousand orders since', async () => {
      const { payments, later } = movedProvider();
      const h = await quietHarness({ ...env(), LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' },
        payments);
      try {
        const { token, accountId } = await h.buyer(1);
        const placed = await h.order(token, 'kept', { launch_id: 'yu7-2025', trim: 'pro',
          options: [], city: 'beijing' });
        assert.equal(placed.status, 201, JSON.stringify(placed.body));
        const reference: string = placed.body.history[0].detail.payment_reference;
        later();
        // The sweep sees the charge with its order and keeps it.
        assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 0);
        // Then the buyer places (and cancels, each refunded) a thousand orders more.
        const store = h.ld.app.deps.store;
        const order = (await store.order(placed.body.order_id))!;
        await store.transaction((tx) => tx.insertOrders(Array.from({ length: 1000 }, (_, i) => ({
          ...order, orderId: `${order.orderId}_c${String(i).padStart(4, '0')}`,
          idempotencyKey: `cancelled-${i}`, requestHash: `h${i}`, status: 'cancelled' as const,
          depositState: 'refunded' as const, createdAtMs: order.createdAtMs + 1000 + i,
          cancelledAtMs: order.createdAtMs + 2000 + i, lockedAtMs: null, queuedAtMs: null,
          queuePlace: null, trimSeq: null }))));
        assert.equal((await store.ordersOfAccount(accountId, 2000)).length, 1001);
        for (let i = 0; i < 3; i++) await h.ld.app.settlement.reconciler.sweepCharges();
        assert.equal((await store.order(order.orderId))?.status, order.status);
        assert.ok(payments.heldReferences().has(reference),
          'the deposit of an order still held was voided at the provider');
      } finally {
        await h.close();
        await after();
      }
    });
  });
}

paidOrderSuite('SQLite', () => ({}), async () => undefined);
const schemas = freshSchemas();
await withPostgres('a paid order\'s charge walked again on PostgreSQL', () =>
  paidOrderSuite('PostgreSQL', schemas.env, schemas.dropAll));

describe('a ready car\'s charge swept as its hold ends, while a retry settles it', () => {
  it('is not voided for a car that settle sells', async () => {
    const { payments, later } = movedProvider();
    const h = await quietHarness(LONG_HOLDS, payments);
    try {
      const { token } = await h.buyer(1);
      await listedCars(h, [1]);
      const reference = await diedAfterCharge(h, payments, token, 1);
      later();
      await h.tick(899);
      // The retry reads the clock a second before the hold's end; its settle's transaction
      // starts after the end (waiting for the writer), and a sweep runs in between.
      const retry = await beforeSettleOnce(h, payments, () => h.call('POST',
        `/ready-stock/${vin(1)}/purchases`, { token, body: { mode: 'full' },
          headers: { 'idempotency-key': 'k' } }), sweepAfter(h), reference);
      const sale = (await h.call('GET', '/ready-stock/mine', { token })).body.sales[0];
      if (sale.status === 'paid') {
        assert.ok(payments.heldReferences().has(reference),
          `a car sold with its charge voided (the retry answered ${retry.status})`);
      } else {
        assert.equal(retry.body.error?.code, 'ready_hold_expired', JSON.stringify(retry.body));
      }
    } finally {
      await h.close();
    }
  });
});

describe('a ready car\'s balance swept as its deadline passes, while its payment settles', () => {
  it('is not voided for a car that settle sells', async () => {
    const { payments, later } = movedProvider();
    const h = await quietHarness({}, payments);
    try {
      const { token, accountId, sale: dep } = await reservedByDeposit(h);
      const saleId = dep.sale_id;
      const reference = `rsl_${saleId}:balance`;
      // The balance was charged by a request that died before its settle.
      await payments.charge({ reference, amountFen: dep.balance_fen,
        payer: accountId });
      later();
      await h.tick(defaultLimits.readyBalanceHours * 3600 - 1);
      const paid = await beforeSettleOnce(h, payments, () => h.call('POST',
        `/ready-stock/sales/${saleId}/balance`, { token }), sweepAfter(h), reference);
      const sale = (await h.call('GET', '/ready-stock/mine', { token })).body.sales[0];
      if (sale.status === 'paid') {
        assert.ok(payments.heldReferences().has(reference),
          `a car sold with its balance voided (the request answered ${paid.status})`);
      } else {
        assert.equal(paid.body.error?.code, 'ready_balance_overdue', JSON.stringify(paid.body));
      }
    } finally {
      await h.close();
    }
  });
});

await withPostgres('a ready car\'s charge swept by another process on PostgreSQL', () => {
  describe('a ready car\'s charge swept by another process as the hold ends (PostgreSQL)', () => {
    it('is not voided for a car this process\'s settle sells', async () => {
      const { payments, later } = movedProvider();
      const env = { ...schemas.env(), ...LONG_HOLDS };
      const a = await quietHarness(env, payments);
      const b = await quietHarness(env, payments);
      let sweep: Promise<number> | null = null;
      try {
        const { token } = await a.buyer(1);
        await listedCars(a, [1]);
        const reference = await diedAfterCharge(a, payments, token, 1);
        later();
        // Process a's retry reads its clock a second before the hold's end; process b's clock
        // is past it, and b's sweep runs while a's settle has moved the car, not yet committed.
        await a.tick(899);
        await b.tick(901);
        const store = a.ld.app.deps.store;
        const { transaction } = store;
        const { charge } = payments;
        let armed = false;
        payments.charge = async (req) => {
          const r = await charge.call(payments, req);
          armed = req.reference === reference;
          return r;
        };
        store.transaction = ((fn: (tx: never) => Promise<unknown>) => {
          if (!armed) return transaction.call(store, fn as never);
          armed = false;
          return transaction.call(store, ((tx: Record<string, unknown>) => fn(new Proxy(tx, {
            get(t, p) {
              const v = Reflect.get(t, p);
              if (p !== 'moveReadyCar') return typeof v === 'function' ? v.bind(t) : v;
              return async (m: { status: string }) => {
                const moved = await (v as (m: unknown) => Promise<boolean>).call(t, m);
                if (moved && m.status === 'sold') {
                  sweep = b.ld.app.settlement.reconciler.sweepCharges();
                  await new Promise((r) => setTimeout(r, 300));
                }
                return moved;
              };
            },
          }) as never)) as never);
        }) as typeof store.transaction;
        const retry = await a.call('POST', `/ready-stock/${vin(1)}/purchases`, { token,
          body: { mode: 'full' }, headers: { 'idempotency-key': 'k' } });
        store.transaction = transaction;
        payments.charge = charge;
        assert.ok(sweep, 'the settle never moved the car');
        await sweep;
        const sale = (await a.call('GET', '/ready-stock/mine', { token })).body.sales[0];
        assert.equal(sale.status, 'paid', JSON.stringify(retry.body));
        assert.ok(payments.heldReferences().has(reference),
          `a car sold with its charge voided (the retry answered ${retry.status})`);
      } finally {
        await (sweep as Promise<number> | null)?.catch(() => undefined);
        await a.close();
        await b.close();
        await schemas.dropAll();
      }
    });
  });
});

describe('held charges taken in one millisecond, more than a page of them', () => {
  it('are all walked: an orphan among them is voided', async () => {
    // A provider whose clock is coarse (or a burst at a launch's opening): the buyer's two
    // orders and an orphan charge share one millisecond; the sweep's pages are of two.
    const nowMs = 1_000_000;
    let providerMs = nowMs;
    const payments = new SandboxPaymentProvider({ nowMs: () => providerMs });
    const h = await quietHarness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, payments);
    try {
      const { token, accountId } = await h.buyer(1);
      for (const key of ['a', 'b']) {
        const o = await h.order(token, key, { launch_id: 'yu7-2025', trim: 'pro', options: [],
          city: 'beijing' });
        assert.equal(o.status, 201, JSON.stringify(o.body));
      }
      await payments.charge({ reference: 'dep_orphan', amountFen: 500_000, payer: accountId });
      const deps = h.ld.app.deps;
      const sweeper = new PaymentReconciler({ store: deps.store, payments, clock: deps.clock,
        limits: { ...deps.limits, paymentReconcileBatchMax: 2 } });
      providerMs += defaultLimits.chargeSweepGraceMs + 1;
      for (let i = 0; i < 10; i++) await sweeper.sweepCharges();
      assert.equal(payments.heldReferences().has('dep_orphan'), false,
        'an orphan charge the sweep never reaches is held for good');
      assert.equal(payments.heldReferences().size, 2);
    } finally {
      await h.close();
    }
  });
});

describe('a delivery\'s balance part paid by a charge (a provider without collect)', () => {
  it('is kept by the sweep: the part was counted received', async () => {
    let offsetMs = 0;
    const payments = new SandboxPaymentProvider({ nowMs: () => Date.now() + offsetMs });
    (payments as { collect?: unknown }).collect = undefined;
    const h = await quietHarness({}, payments);
    try {
      const o = await scheduledOrder(h, 1, 1);
      const part = await h.call('POST', `/orders/${o.orderId}/balance/parts`, { token: o.token,
        body: { amount_fen: 100_000, method: 'card' }, headers: { 'idempotency-key': 'p' } });
      assert.equal(part.status, 201, JSON.stringify(part.body));
      const delivery = (await h.call('GET', `/orders/${o.orderId}/delivery`, { token: o.token }))
        .body;
      assert.equal(delivery.balance.received_fen, 100_000, JSON.stringify(delivery.balance));
      const before = new Set(payments.heldReferences().keys());
      offsetMs += defaultLimits.chargeSweepGraceMs + 1000;
      for (let i = 0; i < 3; i++) await h.ld.app.settlement.reconciler.sweepCharges();
      const gone = [...before].filter((r) => !payments.heldReferences().has(r));
      assert.deepEqual(gone, [], 'a balance part counted received was voided at the provider');
    } finally {
      await h.close();
    }
  });
});
