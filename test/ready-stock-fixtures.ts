// What the ready-stock race tests share: cars built and listed, and something done once between
// a charge and its settle (the process dying, a sweep).
import { strict as assert } from 'node:assert';
import type { SandboxPaymentProvider } from '../src/payments/payments.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, type Harness } from './harness.js';

/** The test VIN numbered `n` (yu7-2025's world manufacturer and series, a valid check). */
export const vin = (n: number): string =>
  withCheckCharacter(`LXMYU7AB0S${String(n).padStart(7, '0')}`);

/** Builds the cars numbered `ns` (yu7-2025 standard) and lists them in Beijing's ready stock. */
export async function listedCars(h: Harness, ns: readonly number[]): Promise<void> {
  const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
    launch_id: 'yu7-2025', built_on: '2025-07-01', reason: 'surplus',
    cars: ns.map((n) => ({ vin: vin(n), trim: 'standard' })) } });
  assert.equal(run.status, 201, JSON.stringify(run.body));
  for (const n of ns) {
    const l = await h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
      body: { vin: vin(n), city: 'beijing' } });
    assert.equal(l.status, 201, JSON.stringify(l.body));
  }
}

/**
 * Runs `request` with `before` run just before the first store transaction after a charge
 * (the settle's), once: a charge under `reference` only, when given. `before` may throw (the
 * process dying between charge and settle) or do what another actor does meanwhile (a sweep).
 * The store and the provider are put back after. `request`'s reply.
 */
export async function beforeSettleOnce<T>(h: Harness, payments: SandboxPaymentProvider,
  request: () => Promise<T>, before: () => Promise<void>, reference?: string): Promise<T> {
  const store = h.ld.app.deps.store;
  const { transaction } = store;
  const { charge } = payments;
  let armed = false;
  payments.charge = async (req) => {
    const r = await charge.call(payments, req);
    armed = reference === undefined || req.reference === reference;
    return r;
  };
  store.transaction = (async (fn: never) => {
    if (armed) {
      armed = false;
      await before();
    }
    return transaction.call(store, fn);
  }) as typeof store.transaction;
  try {
    return await request();
  } finally {
    store.transaction = transaction;
    payments.charge = charge;
  }
}

/** Runs `request` with the first store transaction after a charge throwing, once. */
export const settleThrowsOnce = <T>(h: Harness, payments: SandboxPaymentProvider,
  request: () => Promise<T>): Promise<T> => beforeSettleOnce(h, payments, request, async () => {
  throw new Error('injected: the settle threw (the process died before it)');
});

/**
 * Buys the listed car numbered `n` in full for the buyer `token` under key `k`, its settle
 * throwing after the charge (the process dying in between: answered 500). The charge's
 * reference, `rsl_<sale id>`, held at the provider by a sale still `held`.
 */
export async function diedAfterCharge(h: Harness, payments: SandboxPaymentProvider,
  token: string, n: number): Promise<string> {
  const first = await settleThrowsOnce(h, payments, () => h.call('POST',
    `/ready-stock/${vin(n)}/purchases`, { token, body: { mode: 'full' },
      headers: { 'idempotency-key': 'k' } }));
  assert.equal(first.status, 500, JSON.stringify(first.body));
  const sale = (await h.call('GET', '/ready-stock/mine', { token })).body.sales
    .find((x: { vin: string }) => x.vin === vin(n));
  const reference = `rsl_${sale.sale_id}`;
  assert.ok(payments.heldReferences().has(reference));
  return reference;
}

/**
 * A buyer (numbered 1) who paid a deposit on the listed car numbered 1 and owes its balance:
 * their token and account, and the sale as the reply gives it (`deposit_paid`).
 */
export async function reservedByDeposit(h: Harness): Promise<{ token: string;
  accountId: string; sale: { sale_id: string; balance_fen: number } }> {
  const { token, accountId } = await h.buyer(1);
  await listedCars(h, [1]);
  const dep = await h.call('POST', `/ready-stock/${vin(1)}/purchases`, { token,
    body: { mode: 'deposit' }, headers: { 'idempotency-key': 'd' } });
  assert.equal(dep.body.sale.status, 'deposit_paid', JSON.stringify(dep.body));
  return { token, accountId, sale: dep.body.sale };
}
