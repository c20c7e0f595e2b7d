// A ready-stock car paid by two requests at once, or by a retry after a fault (left open in
// issue 17's notes, and the same kind as the drop and order races of session 20): a balance paid
// twice at once (a double tap) voided the balance charge of the car the first had just sold, the
// second answering `ready_balance_overdue`; a purchase whose settle threw after its charge was
// answered, on its key's retry, with the sale still held and never paid. Now a request whose
// settle is refused voids only a charge no sale holds (holdsCharge), answers the sale another
// request paid, and a retry of a held sale pays it (the provider answers the same reference
// with its first charge). SQLite, in-process.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { defaultLimits } from '../src/kernel/config.js';
import { ADMIN, harness, quietHarness, type Harness } from './harness.js';
import { listedCars, settleThrowsOnce, vin } from './ready-stock-fixtures.js';

describe('a ready-stock car paid twice at once, or again after a fault', () => {
  let h: Harness;
  const payments = new SandboxPaymentProvider();
  let token = '';

  const buy = (v: string, mode: string, key: string) => h.call('POST',
    `/ready-stock/${v}/purchases`, { token, body: { mode }, headers: { 'idempotency-key': key } });
  /** Whether the provider still holds the charge under `reference` (not voided). */
  const charged = (reference: string): boolean => (payments as unknown as {
    charges: Map<string, unknown> }).charges.has(reference);

  before(async () => {
    h = await harness({}, payments);
    token = (await h.buyer(1)).token;
    await listedCars(h, [1, 2, 3]);
  });
  after(async () => h.close());

  it('a balance paid twice at once: the car is sold with its balance charge kept, and both '
    + 'are told it is paid', async () => {
    const dep = await buy(vin(1), 'deposit', 'd1');
    assert.equal(dep.body.sale.status, 'deposit_paid', JSON.stringify(dep.body));
    const saleId = dep.body.sale.sale_id as string;
    const voidedBefore = payments.voided;
    const pay = () => h.call('POST', `/ready-stock/sales/${saleId}/balance`, { token });
    const both = await Promise.all([pay(), pay()]);
    for (const r of both) {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.sale.status, 'paid');
    }
    assert.equal(payments.voided, voidedBefore, 'the balance charge of a sold car was voided');
    assert.ok(charged(`rsl_${saleId}:balance`));
    const mine = await h.call('GET', '/ready-stock/mine', { token });
    assert.equal(mine.body.sales.find((s: any) => s.sale_id === saleId).status, 'paid');
  });

  it('one key sent twice at once: one sale, paid once, its charge kept', async () => {
    const voidedBefore = payments.voided;
    const both = await Promise.all([buy(vin(2), 'full', 'twice'), buy(vin(2), 'full', 'twice')]);
    for (const r of both) {
      assert.ok([200, 201].includes(r.status), JSON.stringify(r.body));
      assert.equal(r.body.sale.status, 'paid', JSON.stringify(r.body));
    }
    assert.equal(both[0].body.sale.sale_id, both[1].body.sale.sale_id);
    assert.equal(payments.voided, voidedBefore);
    assert.ok(charged(`rsl_${both[0].body.sale.sale_id}`));
  });

  it('a settle that threw after the charge: the key\'s retry pays the held sale', async () => {
    const first = await settleThrowsOnce(h, payments, () => buy(vin(3), 'full', 'fault'));
    assert.deepEqual([first.status, first.body.error?.code], [500, 'internal_error'],
      JSON.stringify(first.body));
    const retry = await buy(vin(3), 'full', 'fault');
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.sale.status, 'paid', 'the retry answered a sale never paid');
    assert.ok(charged(`rsl_${retry.body.sale.sale_id}`));
    assert.deepEqual((await h.call('GET', '/ready-stock')).body.cars
      .filter((c: any) => c.vin === vin(3)), [], 'the car is sold, off the list');
  });
});

describe('a ready-stock balance charged but never settled (the process died in between)', () => {
  it('is kept while the sale may be paid with it, voided once it lapses; a paid one is kept',
    async () => {
      let offsetMs = 0;
      const payments = new SandboxPaymentProvider({ nowMs: () => Date.now() + offsetMs });
      const h = await quietHarness({}, payments);
      try {
        const { token, accountId } = await h.buyer(1);
        const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
          launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'surplus',
          cars: [4, 5].map((n) => ({ vin: vin(n), trim: 'standard' })) } });
        assert.equal(run.status, 201, JSON.stringify(run.body));
        const sales: string[] = [];
        for (const n of [4, 5]) {
          await h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
            body: { vin: vin(n), city: 'beijing' } });
          const dep = await h.call('POST', `/ready-stock/${vin(n)}/purchases`, { token,
            body: { mode: 'deposit' }, headers: { 'idempotency-key': `d${n}` } });
          assert.equal(dep.body.sale.status, 'deposit_paid', JSON.stringify(dep.body));
          sales.push(dep.body.sale.sale_id);
        }
        const [reserved, sold] = sales as [string, string];
        // The first sale's balance is charged at the provider and the process dies before its
        // settle; the second's is paid as usual.
        await payments.charge({ reference: `rsl_${reserved}:balance`, amountFen: 1,
          payer: accountId });
        const paid = await h.call('POST', `/ready-stock/sales/${sold}/balance`, { token });
        assert.equal(paid.body.sale.status, 'paid', JSON.stringify(paid.body));
        offsetMs += defaultLimits.chargeSweepGraceMs + 1000;
        // A retry of that balance is answered with this charge: kept while the sale awaits it.
        assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 0);
        assert.ok(payments.heldReferences().has(`rsl_${reserved}:balance`));
        // The balance deadline passes: the sale lapses, and the sweep comes back to the charge.
        await h.tick(defaultLimits.readyBalanceHours * 3600 + 1);
        await h.ld.app.pricebooks.sweepReady();
        assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 1);
        const held = payments.heldReferences();
        assert.equal(held.has(`rsl_${reserved}:balance`), false,
          'a balance no sale took stayed charged');
        assert.ok(held.has(`rsl_${sold}:balance`) && held.has(`rsl_${reserved}`)
          && held.has(`rsl_${sold}`), 'a charge a sale holds was voided');
      } finally {
        await h.close();
      }
    });
});
