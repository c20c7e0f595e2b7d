// Two payments of one hold at once (a double tap on an offer's pay, or one Idempotency-Key sent
// twice to a drop no room guards), the first's paying settle throwing before its commit: it
// voided the charge when it read the hold still held, while the second, charged under the same
// reference (the provider's first answer again), went on to make the sale. The hold was sold
// with its charge voided: the unit given away. A hold still held may yet be paid by another
// request: its charge is left to that request or to the reconciler's sweep (holdsCharge).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, type Harness } from './harness.js';
import { jacketDrop } from './drop-fixtures.js';
import { chargedTwiceFirstThrows } from './payment-race.js';

describe('two payments of one hold, the first\'s settle throwing', () => {
  let h: Harness;

  before(async () => {
    h = await harness();
    const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ s: 5 }) });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));
    await h.tick(120);
  });
  after(async () => h.close());

  /** Pays (or buys) twice at once, the first's paying settle throwing before its commit. */
  const interleaved = <T>(first: () => Promise<T>, second: () => Promise<T>) =>
    chargedTwiceFirstThrows(h, h.ld.app.drops, (kind, cmd) => kind === 'dropSettle'
      && (cmd as { outcome: string }).outcome === 'paid', first, second);

  const chargeOf = (reference: string): unknown => (h.ld.app.deps.payments as unknown as {
    charges: { get(r: string): unknown } }).charges.get(reference);

  it('the offer pay route: the sale made by the second keeps its charge', async () => {
    const b = await h.buyer(1);
    const account = (await h.ld.app.deps.store.accountById(b.accountId))!;
    const held = await h.ld.app.drops.hold(account, 'jacket', { variant: 's', quantity: 1 },
      'offer-like');
    assert.ok(held.ok);
    const { holdId, paymentReference } = held.value.hold;
    const pay = () => h.call('POST', `/drops/jacket/holds/${holdId}/pay`, { token: b.token });
    const [one, two] = await interleaved(pay, pay);
    assert.deepEqual([one.status, one.body.error?.code], [500, 'internal_error'],
      JSON.stringify(one.body));
    assert.equal(two.status, 200, JSON.stringify(two.body));
    assert.equal(two.body.hold.status, 'paid');
    assert.ok(chargeOf(paymentReference), 'a paid hold whose charge was voided: sold for free');
  });

  it('one Idempotency-Key twice on an unguarded drop: the sale keeps its charge', async () => {
    const b = await h.buyer(2);
    const buy = () => h.call('POST', '/drops/jacket/purchases', { token: b.token,
      body: { variant: 's' }, headers: { 'idempotency-key': 'twice' } });
    const [one, two] = await interleaved(buy, buy);
    assert.deepEqual([one.status, one.body.error?.code], [500, 'internal_error'],
      JSON.stringify(one.body));
    assert.ok([200, 201].includes(two.status), JSON.stringify(two.body));
    assert.equal(two.body.hold.status, 'paid');
    assert.ok(chargeOf(`drp_${two.body.hold.hold_id}`),
      'a paid hold whose charge was voided: sold for free');
    // Asked again, the key answers the sale, still charged once.
    const again = await buy();
    assert.equal(again.body.hold?.status, 'paid', JSON.stringify(again.body));
    assert.ok(chargeOf(`drp_${two.body.hold.hold_id}`));
  });
});
