// A ready-stock purchase charged, then the process died before its settle (here: the settle
// throws), and nobody retried. On the restart the payment reconciler's sweep runs before the
// sweep of ready stock (server.ts: reconcilePayments at start-up, the capabilities' timers
// after), so it meets the sale still `held` though its hold has ended. holdsCharge said held;
// the sweep's cursor then moved past the charge and never looked at it again, and the buyer's
// money stayed held at the provider for a car they never got.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { defaultLimits } from '../src/kernel/config.js';
import { quietHarness } from './harness.js';
import { diedAfterCharge, listedCars } from './ready-stock-fixtures.js';

describe('a ready-stock charge left by a crash, swept before its hold is ended', () => {
  it('is voided', async () => {
    let offsetMs = 0;
    const payments = new SandboxPaymentProvider({ nowMs: () => Date.now() + offsetMs });
    const h = await quietHarness({}, payments);
    try {
      const { token } = await h.buyer(1);
      await listedCars(h, [1]);
      const reference = await diedAfterCharge(h, payments, token, 1);
      // The restart, past the hold's end and the sweep's grace: the reconciler first.
      await h.tick(defaultLimits.readyHoldSeconds + 1);
      offsetMs += defaultLimits.chargeSweepGraceMs + 1000;
      await h.ld.app.settlement.reconciler.sweepCharges();
      await h.ld.app.pricebooks.sweepReady();
      await h.ld.app.settlement.reconciler.sweepCharges();
      assert.equal((await h.call('GET', '/ready-stock/mine', { token })).body.sales[0].status,
        'expired');
      assert.equal(payments.heldReferences().has(reference), false,
        'the charge of a purchase that never became a sale is held for good');
    } finally {
      await h.close();
    }
  });
});
