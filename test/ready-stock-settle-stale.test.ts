// A ready-stock settle on PostgreSQL reads the car with a plain SELECT and then moves it with a
// compare-and-set whose answer it did not look at: when another connection (another process's
// buyer, or its sweep) took the car between the read and the write, the settle still wrote the
// sale's ledger rows (revenue for a car not sold) and answered the buyer "paid" for a car another
// buyer had just bought, with a charge the sweep later voids. SQLite runs one transaction at a
// time, so there the read and the write cannot be parted.
import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, quietHarness } from './harness.js';
import { freshSchemas, withPostgres } from './postgres.js';

const vin = (n: number): string => withCheckCharacter(`LXMYU7AB0S${String(n).padStart(7, '0')}`);

describe('a ready-stock settle whose car another connection took meanwhile', async () => {
  const schemas = freshSchemas();
  after(async () => schemas.dropAll());
  await withPostgres('is refused, not answered paid', () => {
    it('is refused, not answered paid, and books no revenue for it', async () => {
      const payments = new SandboxPaymentProvider();
      const h = await quietHarness(schemas.env(), payments);
      try {
        const one = await h.buyer(1);
        const two = await h.buyer(2);
        const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
          launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'surplus',
          cars: [{ vin: vin(1), trim: 'standard' }] } });
        assert.equal(run.status, 201, JSON.stringify(run.body));
        const l = await h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
          body: { vin: vin(1), city: 'beijing' } });
        assert.equal(l.status, 201, JSON.stringify(l.body));
        const store = h.ld.app.deps.store;
        const { transaction } = store;
        const { charge } = payments;
        let armed = false;
        const got: { second: { status: number; body: any } | null } = { second: null };
        // Buyer 1's charge is approved just as the hold ends; between the settle's read of the
        // car and its write, buyer 2 (on another connection) takes the lapsed hold and pays.
        payments.charge = async (req) => {
          const r = await charge.call(payments, req);
          if (req.payer === one.accountId) armed = true;
          return r;
        };
        store.transaction = (async (fn: (tx: any) => Promise<unknown>) => {
          if (!armed) return transaction.call(store, fn as never);
          armed = false;
          return transaction.call(store, (async (tx: any) => fn(new Proxy(tx, {
            get(target, prop) {
              const v = target[prop];
              if (prop !== 'readyCarTx') return typeof v === 'function' ? v.bind(target) : v;
              return async (...args: unknown[]) => {
                const car = await v.apply(target, args);
                await h.tick(301);
                got.second = await h.call('POST', `/ready-stock/${vin(1)}/purchases`, {
                  token: two.token, body: { mode: 'full' },
                  headers: { 'idempotency-key': 'two' } });
                return car;
              };
            },
          }))) as never);
        }) as typeof store.transaction;
        let first;
        try {
          first = await h.call('POST', `/ready-stock/${vin(1)}/purchases`, { token: one.token,
            body: { mode: 'full' }, headers: { 'idempotency-key': 'one' } });
        } finally {
          store.transaction = transaction;
          payments.charge = charge;
        }
        const second = got.second;
        assert.ok(second, 'buyer 2 never bought');
        assert.equal(second.status, 201, JSON.stringify(second.body));
        assert.equal(second.body.sale.status, 'paid');
        assert.notEqual(first.status, 201,
          `buyer 1 was told ${JSON.stringify(first.body)} for the car buyer 2 bought`);
        assert.equal(first.body.error?.code, 'ready_hold_expired', JSON.stringify(first.body));
        const mine = await h.call('GET', '/ready-stock/mine', { token: one.token });
        const lost = mine.body.sales.find((s: any) => s.vin === vin(1));
        assert.equal(lost.status, 'expired', JSON.stringify(lost));
        assert.equal(payments.heldReferences().has(`rsl_${lost.sale_id}`), false,
          'buyer 1 stays charged for a car not theirs');
        const books = await h.call('GET', '/admin/books/yu7-2025', { token: ADMIN });
        assert.equal(books.body.revenue.ready_stock_received_fen, second.body.sale.price_fen,
          'the books count money for a car sold once twice');
      } finally {
        await h.close();
      }
    });
  });
});
