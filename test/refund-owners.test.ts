// Each refund the payment outbox settles is recorded by its owner (issue #17, a loose end of
// the attacker's finding 11). Orders' deposits were not the outbox's only refunds: a lapsed
// ready-stock deposit is queued under the sale's id (no order has it), and a balance part's
// surplus or a price credit's return is deliveries' money under an order's id. Both settled as
// a `refund_settled` order event: under a sale id, an event of an order that does not exist.
// Here one refund of each kind is queued as its capability queues it, and settled by the
// provider's notification, then (notifications lost) by the reconciler's status query, on both
// stores: each lands in its owner's record, and only the order's deposit is an order event.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { defaultLimits } from '../src/kernel/config.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { depositReference } from '../src/payments/index.js';
import { READY_REFERENCE_PREFIX } from '../src/pricebooks/pricebooks-service.js';
import {
  creditRefundReference, partReference,
} from '../src/deliveries/deliveries-service.js';
import { ADMIN, harness, sendQueued, type Harness, until } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const SALE = 'rs_lapsed_1';
const ORDER = 'ord_delivered_1';
const PART = partReference(ORDER, 'k1');
/** Each kind as its capability queues it: [owner id, reference, fen]. */
const REFUNDS = {
  ready: [SALE, `${READY_REFERENCE_PREFIX}${SALE}`, 2_000_000],
  surplus: [ORDER, PART, 30_000],
  credit: [ORDER, creditRefundReference(PART, 2), 12_300],
  deposit: ['ord_firm_1', depositReference('acc_1', 'key', 'hash'), 500_000],
} as const;

/** Queues the four refunds, hands them to the provider and waits until all are settled. */
async function settleAll(h: Harness, byQuery: boolean): Promise<void> {
  const nowMs = h.ld.app.clock.nowMs();
  await h.ld.app.deps.store.transaction(async (tx) => {
    for (const [kind, [orderId, reference, amountFen]] of Object.entries(REFUNDS)) {
      await tx.queuePayment({ opId: `pop_${kind}`, kind: 'refund', orderId, reference,
        amountFen, createdAtMs: nowMs });
    }
  });
  await sendQueued(h);
  if (byQuery) {
    await until('the provider has refunded them', async () => {
      for (const [, reference] of Object.values(REFUNDS)) {
        if ((await h.payments.refundStatus(reference)).status !== 'succeeded') return false;
      }
      return true;
    });
    await h.tick(defaultLimits.refundConfirmAfterMs / 1000 + 1);
    // Settled by this call or the app's own reconciler round (every 10 s) if it came first:
    // `recorded` checks they were settled by status query either way.
    await h.ld.app.settlement.reconciler.checkRefunds();
  }
  await until('the refunds settle', async () => (await h.ld.app.deps.store
    .unsettledRefunds(Number.MAX_SAFE_INTEGER, 0)).count === 0);
}

/** What each owner recorded: the order events and audit entries of the settlements. */
async function recorded(h: Harness, via: string): Promise<void> {
  const store = h.ld.app.deps.store;
  // No event of an order that does not exist; none in the delivered order's history either.
  assert.deepEqual(await store.orderEvents(SALE), []);
  assert.deepEqual(await store.orderEvents(ORDER), []);
  // The order's own deposit refund is still its `refund_settled` event.
  const deposit = await store.orderEvents(REFUNDS.deposit[0]);
  assert.deepEqual(deposit.map((e) => [e.type, e.detail.amount_fen, e.detail.via]),
    [['refund_settled', REFUNDS.deposit[2], via]]);
  const log = await h.call('GET', '/admin/audit-log?limit=50', { token: ADMIN });
  assert.equal(log.status, 200, JSON.stringify(log.body));
  const of = (action: string) => log.body.entries.filter((e: any) => e.action === action)
    .map((e: any) => [e.actor, e.detail.reference, e.detail.amount_fen, e.detail.via,
      e.detail.sale_id ?? e.detail.order_id]).sort();
  assert.deepEqual(of('ready_refund_settled'), [['payment_provider', REFUNDS.ready[1],
    REFUNDS.ready[2], via, SALE]]);
  assert.deepEqual(of('balance_refund_settled'), [
    ['payment_provider', REFUNDS.surplus[1], REFUNDS.surplus[2], via, ORDER],
    ['payment_provider', REFUNDS.credit[1], REFUNDS.credit[2], via, ORDER]].sort());
  assert.deepEqual(of('drop_refund_settled'), []);
}

/** The suite on one store: `env` names it (SQLite when empty); `cleanup` after each test. */
function ownersSuite(label: string, env: () => Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`settled refunds recorded by their owners (${label})`, () => {
    it('by the provider\'s notification', async () => {
      const h = await harness(env(), new SandboxPaymentProvider({ notifyDelayMs: [1, 2],
        lateShare: 0, duplicateShare: 0 }));
      try {
        await settleAll(h, false);
        await recorded(h, 'notification');
      } finally {
        await h.close();
        await cleanup();
      }
    });

    it('by the reconciler\'s status query (every notification lost)', async () => {
      const h = await harness(env(), new SandboxPaymentProvider({ notifyDelayMs: [1, 2],
        lateShare: 0, lostNotificationShare: 1 }));
      try {
        await settleAll(h, true);
        await recorded(h, 'status_query');
      } finally {
        await h.close();
        await cleanup();
      }
    });
  });
}

ownersSuite('SQLite', () => ({}), async () => undefined);
const made: string[] = [];
await withPostgres('settled refunds recorded by their owners on PostgreSQL', () =>
  ownersSuite('PostgreSQL', () => {
    made.push(testSchema());
    return { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: made.at(-1)! };
  }, async () => {
    for (const schema of made.splice(0)) await dropSchema(schema);
  }));
