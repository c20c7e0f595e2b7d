// Fault: refunds whose notification was lost (with the process, or by the provider) stayed
// "sent, not confirmed" for ever. Launchday now asks the provider about a refund not confirmed
// in time, settles it on the answer, sends it again when the provider lost it, and shows
// operators the refunds that have not settled; charges a crash left without an order are
// voided by the sweep at start-up.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { PaymentReconciler } from '../src/orders/payment-reconciler.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { defaultLimits } from '../src/kernel/config.js';
import { ADMIN, quietHarness, until, type Harness } from './harness.js';
import { checkPaymentHolds } from './invariants.js';

const START = { LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' };
const ORDER = { launch_id: 'yu7-2025', trim: 'pro', options: [], city: 'beijing' };
const CONFIRM_S = defaultLimits.refundConfirmAfterMs / 1000;
const ALERT_S = defaultLimits.refundUnsettledAlertMs / 1000;

/** Places and cancels one order; returns its id, the buyer's token and the refund reference. */
async function refundedOrder(h: Harness): Promise<{ orderId: string; token: string;
  reference: string }> {
  const { token } = await h.buyer(1);
  const placed = await h.order(token, 'k', ORDER);
  assert.equal(placed.status, 201);
  await h.call('POST', `/orders/${placed.body.order_id}/cancel`, { token, body: {} });
  await h.ld.app.payments.sendPayments();
  return { orderId: placed.body.order_id, token,
    reference: placed.body.history[0].detail.payment_reference };
}

async function settlements(h: Harness, token: string, orderId: string): Promise<any[]> {
  return (await h.call('GET', `/orders/${orderId}`, { token })).body.history
    .filter((e: any) => e.type === 'refund_settled');
}

/** The sandbox, with references whose calls fail (a provider error, not an answer). */
class Rejecting extends SandboxPaymentProvider {
  readonly sendRejected = new Set<string>();
  readonly questionRejected = new Set<string>();
  override async refund(req: Parameters<SandboxPaymentProvider['refund']>[0]) {
    if (this.sendRejected.has(req.reference)) throw new Error('provider: 400 bad reference');
    return super.refund(req);
  }

  override async refundStatus(reference: string) {
    if (this.questionRejected.has(reference)) throw new Error('provider: 400 bad reference');
    return super.refundStatus(reference);
  }
}

describe('payment reconciliation', () => {
  it('one refund the provider keeps rejecting holds up neither the outbox nor the questions',
    async () => {
      const payments = new Rejecting({ notifyDelayMs: [1, 2], lateShare: 0,
        lostNotificationShare: 1 });
      const h = await quietHarness(START, payments);
      try {
        const placed: Array<{ orderId: string; reference: string }> = [];
        for (const n of [1, 2]) {
          const { token } = await h.buyer(n);
          const o = await h.order(token, `k${n}`, ORDER);
          assert.equal(o.status, 201);
          placed.push({ orderId: o.body.order_id,
            reference: o.body.history[0].detail.payment_reference });
          payments.sendRejected.add(placed[0]!.reference);
          await h.call('POST', `/orders/${o.body.order_id}/cancel`, { token, body: {} });
          await h.tick(1);
        }
        const [first, second] = placed as [typeof placed[0], typeof placed[0]];
        await h.ld.app.payments.sendPayments();
        await until('the second refund reaches the provider', async () =>
          (await payments.refundStatus(second.reference)).status === 'succeeded');
        assert.equal((await payments.refundStatus(first.reference)).status, 'unknown');
        // The first goes through later; then its questions fail while the second's succeed.
        payments.sendRejected.clear();
        await h.ld.app.payments.sendPayments();
        await until('the first refund reaches the provider', async () =>
          (await payments.refundStatus(first.reference)).status === 'succeeded');
        payments.questionRejected.add(first.reference);
        await h.tick(CONFIRM_S + 1);
        assert.equal((await h.ld.app.settlement.reconcilePayments()).settled, 1,
          'the second is settled although the question about the first failed');
      } finally {
        await h.close();
      }
    });

  it('settle a refund whose notification was lost by asking the provider', async () => {
    const payments = new SandboxPaymentProvider({ notifyDelayMs: [1, 2], lateShare: 0,
      lostNotificationShare: 1 });
    const h = await quietHarness(START, payments);
    try {
      const { orderId, token, reference } = await refundedOrder(h);
      await until('the refund succeeds', async () =>
        (await payments.refundStatus(reference)).status === 'succeeded');
      const early = await h.ld.app.settlement.reconcilePayments();
      assert.deepEqual(early, { settled: 0, resent: 0, mismatched: 0, voided: 0 },
        'not asked before the limit');
      assert.deepEqual(await settlements(h, token, orderId), []);
      await h.tick(CONFIRM_S + 1);
      assert.equal((await h.ld.app.settlement.reconcilePayments()).settled, 1);
      const settled = await settlements(h, token, orderId);
      assert.deepEqual(settled.map((e) => e.detail), [{ amount_fen: 500_000,
        via: 'status_query' }]);
      assert.equal((await h.ld.app.settlement.reconcilePayments()).settled, 0, 'settled once');
      assert.equal(payments.delivered, 0);
    } finally {
      await h.close();
    }
  });

  it('send a refund again when the provider lost it with its process', async () => {
    const first = new SandboxPaymentProvider({ lostNotificationShare: 1 });
    const h1 = await quietHarness(START, first);
    const { orderId, token, reference } = await refundedOrder(h1);
    await h1.close(true);
    // The provider restarted too: it knows nothing of the refund.
    const second = new SandboxPaymentProvider({ notifyDelayMs: [1, 2], lateShare: 0,
      duplicateShare: 0 });
    const h = await quietHarness({ ...START, LAUNCHDAY_DATA_DIR: h1.dir }, second);
    try {
      assert.deepEqual(await second.refundStatus(reference), { status: 'unknown' });
      await h.tick(CONFIRM_S + 1);
      assert.equal((await h.ld.app.settlement.reconcilePayments()).resent, 1);
      await until('the notification', () => second.delivered >= 1);
      const settled = await settlements(h, token, orderId);
      assert.equal(settled.length, 1);
      assert.equal(settled[0].detail.via, 'notification');
    } finally {
      await h.close();
    }
  });

  it('show operators a refund that has not settled in time', async () => {
    const payments = new SandboxPaymentProvider({ lostRefundShare: 1 });
    const h = await quietHarness(START, payments);
    try {
      const { orderId, reference } = await refundedOrder(h);
      const unsettled = () => h.call('GET', '/admin/payments/unsettled', { token: ADMIN });
      assert.equal((await unsettled()).body.count, 0, 'not before the alert time');
      await h.tick(CONFIRM_S + 1);
      assert.equal((await h.ld.app.settlement.reconcilePayments()).resent, 1);
      await h.tick(ALERT_S);
      const r = await unsettled();
      assert.equal(r.status, 200);
      assert.equal(r.body.count, 1);
      assert.equal(r.body.older_than_seconds, ALERT_S);
      assert.deepEqual(r.body.refunds.map((x: any) => [x.order_id, x.reference, x.amount_fen]),
        [[orderId, reference, 500_000]]);
      assert.notEqual(r.body.refunds[0].sent_at, null);
      const anomalies = await h.call('GET', '/admin/payments/anomalies', { token: ADMIN });
      assert.equal(anomalies.body.unsettled_refunds, 1);
      assert.equal(await h.ld.app.settlement.reconciler.unsettledCount(), 1);
    } finally {
      await h.close();
    }
  });

  it('void at start-up a charge whose order was never written', async () => {
    let offsetMs = 0;
    const payments = new SandboxPaymentProvider({ nowMs: () => Date.now() + offsetMs });
    const h1 = await quietHarness(START, payments);
    const { accountId } = await h1.buyer(1);
    await h1.close(true);
    // The process charged, then died before its order's commit.
    await payments.charge({ reference: 'dep_crashed', amountFen: 500_000, payer: accountId });
    offsetMs = defaultLimits.chargeSweepGraceMs + 1;
    const h = await quietHarness({ ...START, LAUNCHDAY_DATA_DIR: h1.dir }, payments);
    try {
      assert.equal(payments.heldReferences().size, 0);
      await checkPaymentHolds(h);
      const r = await h.call('GET', '/admin/payments/anomalies', { token: ADMIN });
      assert.deepEqual(r.body.anomalies.map((a: any) => [a.kind, a.reference, a.detail]), [
        ['orphan_charge_voided', 'dep_crashed', { amount_fen: 500_000, payer: accountId,
          order_id: null }]]);
    } finally {
      await h.close();
    }
  });

  it('page through the provider\'s holds, voiding only what no order holds', async () => {
    let nowMs = 1_000_000;
    const payments = new SandboxPaymentProvider({ nowMs: () => nowMs });
    const h = await quietHarness(START, payments);
    try {
      const { token, accountId } = await h.buyer(1);
      for (const key of ['a', 'b']) {
        nowMs += 10;
        assert.equal((await h.order(token, key, ORDER)).status, 201);
      }
      for (let i = 0; i < 5; i++) {
        nowMs += 10;
        await payments.charge({ reference: `dep_orphan_${i}`, amountFen: 500_000,
          payer: accountId });
      }
      const deps = h.ld.app.deps;
      const sweeper = new PaymentReconciler({ store: deps.store, payments, clock: deps.clock,
        limits: { ...deps.limits, paymentReconcileBatchMax: 2 } });
      assert.equal(await sweeper.sweepCharges(), 0, 'nothing is old enough yet');
      nowMs += defaultLimits.chargeSweepGraceMs;
      const rounds = [];
      for (let i = 0; i < 5; i++) rounds.push(await sweeper.sweepCharges());
      // Pages of two, oldest first, for each of the sweep's two cursors (one following new
      // charges, one walking every held charge again): the orders' own charges first, then the
      // five orphans (a full page starts the next one again at its last charge, seen twice and
      // left alone). No round goes past its two pages.
      assert.deepEqual(rounds, [0, 2, 3, 0, 0]);
      await checkPaymentHolds(h);
      // A charge left later is found by a later round: the cursor never passes a young one.
      await payments.charge({ reference: 'dep_orphan_late', amountFen: 500_000,
        payer: accountId });
      assert.equal(await sweeper.sweepCharges(), 0);
      nowMs += defaultLimits.chargeSweepGraceMs + 1;
      assert.equal(await sweeper.sweepCharges(), 1);
      await checkPaymentHolds(h);
    } finally {
      await h.close();
    }
  });
});
