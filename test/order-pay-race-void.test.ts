// One Idempotency-Key sent twice at once to POST /orders (no waiting room in front: nothing
// orders the two), the first's commit throwing before it was made: it voided the deposit's
// charge when it found no order under the key yet, while the second, charged under the same
// reference (the provider's first answer again), went on to make the order. The order stood
// with its deposit voided. A charge whose order may still be committed by another request is
// left to that request or to the reconciler's sweep, which voids a charge no order holds.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { harness, YU7_MAX, type Harness } from './harness.js';
import { chargedTwiceFirstThrows } from './payment-race.js';

describe('one key twice at once on POST /orders, the first\'s commit throwing', () => {
  let h: Harness;

  before(async () => {
    h = await harness();
    await h.tick(120);
  });
  after(async () => h.close());

  it('the order made by the second keeps its deposit', async () => {
    const b = await h.buyer(1);
    const place = () => h.order(b.token, 'twice', YU7_MAX);
    const [one, two] = await chargedTwiceFirstThrows(h, h.ld.app.orders,
      (kind) => kind === 'place', place, place);
    assert.deepEqual([one.status, one.body.error?.code], [500, 'internal_error'],
      JSON.stringify(one.body));
    assert.equal(two.status, 201, JSON.stringify(two.body));
    // The order's deposit is held at the provider: not voided under it.
    const held = await h.ld.app.deps.payments.heldCharges(-60_000, 1_000, -1);
    assert.deepEqual(held.filter((c) => c.payer === b.accountId).map((c) => c.amountFen),
      [two.body.deposit.amount_fen], 'an order whose deposit was voided');
  });
});
