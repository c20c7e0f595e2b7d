// Refunds settle through the provider's signed notifications, which come late and sometimes
// twice: each is taken once, and a forged or stale one is refused.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { sign } from '../src/payments/payment-signature.js';
import { ADMIN, harness, until, type Harness } from './harness.js';

const ORDER = { launch_id: 'yu7-2025', trim: 'pro', options: [], city: 'beijing' };

describe('payment notifications', () => {
  it('settle a refund once even when the provider sends the notification twice', async () => {
    const payments = new SandboxPaymentProvider({ notifyDelayMs: [5, 20], duplicateShare: 1,
      lateShare: 0 });
    const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, payments);
    try {
      const { token } = await h.buyer(1);
      const placed = await h.order(token, 'k', ORDER);
      const cancelled = await h.call('POST', `/orders/${placed.body.order_id}/cancel`,
        { token, body: {} });
      assert.equal(cancelled.body.deposit.state, 'refunded');
      await until('both copies delivered', () => payments.delivered >= 2);
      const view = await h.call('GET', `/orders/${placed.body.order_id}`, { token });
      const settled = view.body.history.filter((e: any) => e.type === 'refund_settled');
      assert.equal(settled.length, 1, 'the duplicate changed nothing');
      assert.equal(settled[0].detail.amount_fen, 500_000);
      assert.equal(payments.refunds.get(payments.charges.keys().next().value!)?.amountFen,
        500_000);
    } finally {
      await h.close();
    }
  });

  it('void the charge of an order refused after paying, with no notification', async () => {
    const payments = new SandboxPaymentProvider({ notifyDelayMs: [1, 2], lateShare: 0 });
    const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, payments);
    try {
      const { token } = await h.buyer(1);
      for (const key of ['a', 'b']) assert.equal((await h.order(token, key, ORDER)).status, 201);
      const third = await h.order(token, 'c', ORDER);
      assert.equal(third.body.error.code, 'per_account_limit_reached');
      assert.equal(payments.voided, 1);
      assert.equal(payments.charges.size, 2, 'only the two orders hold money');
      await new Promise((r) => setTimeout(r, 30));
      assert.equal(payments.delivered, 0, 'a void is not notified');
    } finally {
      await h.close();
    }
  });

  it('refuse a forged or a stale signature', async () => {
    const h = await harness();
    try {
      const body = JSON.stringify({ event_id: 'evt_1', type: 'refund.succeeded',
        reference: 'dep_1', amount_fen: 1, occurred_at: '2025-06-26T14:00:00Z' });
      const post = (signature: string) => h.call('POST', '/payments/notifications',
        { raw: body, headers: { 'content-type': 'application/json',
          'payment-signature': signature } });
      const forged = await post(sign('not-the-secret-at-all', Date.now(), body));
      assert.equal(forged.body.error.code, 'signature_invalid');
      const stale = await post(sign(h.ld.paymentSecret, Date.now() - 10 * 60_000, body));
      assert.equal(stale.body.error.code, 'signature_invalid');
      const good = await post(sign(h.ld.paymentSecret, Date.now(), body));
      assert.deepEqual(good.body, { received: true, duplicate: false,
        anomaly: 'refund_not_requested' });
      const again = await post(sign(h.ld.paymentSecret, Date.now(), body));
      assert.deepEqual(again.body, { received: true, duplicate: true });
    } finally {
      await h.close();
    }
  });

  describe('are checked and matched with the refund launchday asked for', () => {
    /** Posts a signed notification with these fields over a well-formed one. */
    const notify = (h: Harness, fields: Record<string, unknown>) => {
      const body = JSON.stringify({ event_id: `evt_${Math.random()}`, type: 'refund.succeeded',
        reference: 'dep_x', amount_fen: 500_000, occurred_at: '2025-06-26T14:05:00Z',
        ...fields });
      return h.call('POST', '/payments/notifications', { raw: body, headers: {
        'content-type': 'application/json',
        'payment-signature': sign(h.ld.paymentSecret, Date.now(), body) } });
    };
    const quiet = () => new SandboxPaymentProvider({ lostNotificationShare: 1 });

    it('refuse a malformed notification with 422, so that the provider sends it again',
      async () => {
        const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, quiet());
        try {
          const rows: Array<[Record<string, unknown>, string]> = [
            [{ event_id: undefined }, 'event_id'],
            [{ event_id: '' }, 'event_id'],
            [{ event_id: '   ' }, 'event_id'],
            [{ event_id: 'e'.repeat(129) }, 'event_id'],
            [{ event_id: 7 }, 'event_id'],
            [{ type: 'charge.succeeded' }, 'type'],
            [{ reference: '' }, 'reference'],
            [{ reference: undefined }, 'reference'],
            [{ amount_fen: -500_000 }, 'amount_fen'],
            [{ amount_fen: 0 }, 'amount_fen'],
            [{ amount_fen: 1.5 }, 'amount_fen'],
            [{ amount_fen: '500000' }, 'amount_fen'],
            [{ amount_fen: undefined }, 'amount_fen'],
            [{ occurred_at: 'yesterday' }, 'occurred_at'],
            [{ occurred_at: undefined }, 'occurred_at'],
            // Later than the signature by more than its tolerance: not yet happened.
            [{ occurred_at: '9999-12-31T00:00:00Z' }, 'occurred_at'],
            [{ occurred_at: new Date(Date.now() + 6 * 60_000).toISOString() }, 'occurred_at'],
          ];
          for (const [fields, named] of rows) {
            const r = await notify(h, fields);
            assert.equal(r.status, 422, JSON.stringify(fields));
            assert.equal(r.body.error.code, 'invalid_request');
            assert.match(r.body.error.message, new RegExp(`"${named}"`), JSON.stringify(fields));
          }
          // Within the tolerance of the provider's clock, and long past, are times it may say.
          for (const at of [new Date(Date.now() + 4 * 60_000).toISOString(),
            '2001-01-01T00:00:00Z']) {
            const r = await notify(h, { occurred_at: at, reference: 'dep_unknown' });
            assert.equal(r.body.anomaly, 'refund_not_requested', at);
          }
          // A blank id, sent twice, is refused twice: never swallowed as a duplicate.
          for (let i = 0; i < 2; i++) {
            assert.equal((await notify(h, { event_id: '' })).status, 422);
          }
          const seen = await h.call('GET', '/admin/payments/anomalies', { token: ADMIN });
          // Only the two well-formed ones were taken.
          assert.deepEqual(seen.body.anomalies.map((a: any) => a.kind),
            ['refund_not_requested', 'refund_not_requested']);
        } finally {
          await h.close();
        }
      });

    it('settle only the refund asked for, at its amount; record the rest', async () => {
      const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, quiet());
      try {
        const { token } = await h.buyer(1);
        const refunded = await h.order(token, 'a', ORDER);
        const held = await h.order(token, 'b', ORDER);
        const ref = (r: { body: any }) => r.body.history[0].detail.payment_reference as string;
        await h.call('POST', `/orders/${refunded.body.order_id}/cancel`, { token, body: {} });
        await h.ld.app.payments.sendPayments();
        const history = async () => (await h.call('GET', `/orders/${refunded.body.order_id}`,
          { token })).body.history.filter((e: any) => e.type === 'refund_settled');
        const rows: Array<[Record<string, unknown>, string | undefined]> = [
          [{ reference: ref(refunded), amount_fen: 1 }, 'amount_mismatch'],
          [{ reference: 'dep_unknown' }, 'refund_not_requested'],
          [{ reference: ref(held) }, 'refund_not_requested'],
          [{ reference: ref(refunded), event_id: 'evt_right' }, undefined],
          // A second refund reported for one already settled: the books must show it.
          [{ reference: ref(refunded), event_id: 'evt_late' }, 'refund_settled_again'],
        ];
        for (const [fields, anomaly] of rows) {
          const r = await notify(h, fields);
          assert.equal(r.status, 200);
          assert.equal(r.body.anomaly, anomaly, JSON.stringify(fields));
          if (anomaly && anomaly !== 'refund_settled_again') {
            assert.deepEqual(await history(), [], 'an anomaly settles nothing');
          }
        }
        const settled = await history();
        assert.equal(settled.length, 1);
        assert.equal(settled[0].detail.amount_fen, 500_000);
        const seen = await h.call('GET', '/admin/payments/anomalies', { token: ADMIN });
        assert.deepEqual(seen.body.anomalies.map((a: any) => [a.kind, a.reference]), [
          ['refund_settled_again', ref(refunded)],
          ['refund_not_requested', ref(held)], ['refund_not_requested', 'dep_unknown'],
          ['amount_mismatch', ref(refunded)]]);
        // Every earlier notice of the reference is named, the one at another amount too.
        assert.deepEqual(seen.body.anomalies[0].detail.earlier_event_ids,
          [seen.body.anomalies[3].event_id, 'evt_right']);
        assert.deepEqual(seen.body.anomalies[3].detail, { source: 'notification',
          notified_fen: 1, asked_fen: 500_000, order_id: refunded.body.order_id,
          occurred_at: '2025-06-26T14:05:00.000Z' });
        const buyerLooks = await h.call('GET', '/admin/payments/anomalies', { token });
        assert.equal(buyerLooks.status, 403);
      } finally {
        await h.close();
      }
    });
  });
});
