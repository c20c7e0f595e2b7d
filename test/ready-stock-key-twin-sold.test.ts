// One Idempotency-Key sent twice at once for a ready-stock car, where the second request looks
// its key up before the first has claimed the car and claims only after the first has paid: the
// car is then sold, and the claim's ready_car_not_found was answered as it was, telling the buyer
// the car they had just paid for was not found. Answered as the key's retry: the paid sale.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, quietHarness } from './harness.js';

const vin = (n: number): string => withCheckCharacter(`LXMYU7AB0S${String(n).padStart(7, '0')}`);

describe('one key sent twice for a ready-stock car, the second claiming once it is sold', () => {
  it('is answered with the paid sale, not ready_car_not_found', async () => {
    const payments = new SandboxPaymentProvider();
    const h = await quietHarness({}, payments);
    try {
      const { token } = await h.buyer(1);
      const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
        launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'surplus',
        cars: [{ vin: vin(1), trim: 'standard' }] } });
      assert.equal(run.status, 201, JSON.stringify(run.body));
      await h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
        body: { vin: vin(1), city: 'beijing' } });
      const buy = () => h.call('POST', `/ready-stock/${vin(1)}/purchases`, { token,
        body: { mode: 'full' }, headers: { 'idempotency-key': 'twice' } });
      const store = h.ld.app.deps.store;
      const { transaction } = store;
      let armed = true;
      const got: { first: Awaited<ReturnType<typeof buy>> | null } = { first: null };
      store.transaction = (async (fn: (tx: any) => Promise<unknown>) => {
        let askedKey = false;
        const r = await transaction.call(store, (async (tx: any) => fn(new Proxy(tx, {
          get(target, prop) {
            if (prop === 'readySaleByKey') askedKey = true;
            const v = target[prop];
            return typeof v === 'function' ? v.bind(target) : v;
          },
        }))) as never);
        if (askedKey && armed) {
          // The second request has found no sale under its key: the first runs whole now.
          armed = false;
          got.first = await buy();
        }
        return r;
      }) as typeof store.transaction;
      let second;
      try {
        second = await buy();
      } finally {
        store.transaction = transaction;
      }
      const first = got.first;
      assert.ok(first);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.equal(second.status, 200, JSON.stringify(second.body));
      assert.equal(second.body.sale.sale_id, first.body.sale.sale_id);
      assert.equal(second.body.sale.status, 'paid');
    } finally {
      await h.close();
    }
  });
});
