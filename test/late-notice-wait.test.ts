// The tests' wait for the app's timed work (harness `until`) outlasts the default sandbox's
// latest notification. A CI run failed waiting for drop refunds to settle: one of them was sent
// late (up to 5.5 s after the refund, SANDBOX_LATEST_NOTICE_MS) and the wait gave up at about 5 s.
import { strict as assert } from 'node:assert';
import { it } from 'node:test';
import { SANDBOX_LATEST_NOTICE_MS, SandboxPaymentProvider } from '../src/payments/payments.js';
import { harness, sendQueued, until } from './harness.js';

const ORDER = { launch_id: 'yu7-2025', trim: 'pro', options: [], city: 'beijing' };

it('a refund whose notification comes as late as the sandbox ever sends one is waited for',
  async () => {
  const latest = SANDBOX_LATEST_NOTICE_MS;
  const payments = new SandboxPaymentProvider({ notifyDelayMs: [latest, latest], lateShare: 0,
    duplicateShare: 0 });
  const h = await harness({ LAUNCHDAY_CLOCK_START: '2025-06-26T14:00:00Z' }, payments);
  try {
    const { token } = await h.buyer(1);
    const placed = await h.order(token, 'k', ORDER);
    assert.equal(placed.status, 201, JSON.stringify(placed.body));
    const cancelled = await h.call('POST', `/orders/${placed.body.order_id}/cancel`,
      { token, body: {} });
    assert.equal(cancelled.body.deposit.state, 'refunded');
    await sendQueued(h);
    const sentAtMs = Date.now();
    await until('the refund settles', async () => (await h.ld.app.deps.store
      .unsettledRefunds(Number.MAX_SAFE_INTEGER, 0)).count === 0);
    assert.ok(Date.now() - sentAtMs >= latest - 100, 'the notification came as late as set');
    const view = await h.call('GET', `/orders/${placed.body.order_id}`, { token });
    assert.equal(view.body.history.filter((e: any) => e.type === 'refund_settled').length, 1);
  } finally {
    await h.close();
  }
});
