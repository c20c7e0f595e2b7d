// What the ready-stock race tests share: cars built and listed, and a settle that throws once
// after its charge (the process dying in between).
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
 * Runs `request` with the first store transaction after a charge throwing (the settle), once;
 * the store and the provider are put back after. Its reply.
 */
export async function settleThrowsOnce<T>(h: Harness, payments: SandboxPaymentProvider,
  request: () => Promise<T>): Promise<T> {
  const store = h.ld.app.deps.store;
  const { transaction } = store;
  const { charge } = payments;
  let armed = false;
  payments.charge = async (req) => {
    const r = await charge.call(payments, req);
    armed = true;
    return r;
  };
  store.transaction = (async (fn: never) => {
    if (armed) {
      armed = false;
      throw new Error('injected: the settle threw (the process died before it)');
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
