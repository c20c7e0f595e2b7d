// What the deliveries tests share: an order taken to a car ready at the centre, its money events
// summed, and the provider's signed notice about a part sent as the provider sends it.
import { strict as assert } from 'node:assert';
import {
  sign, SIGNATURE_HEADER, SandboxPaymentProvider, type CollectResult,
} from '../src/payments/index.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, type Harness, type Reply } from './harness.js';

/**
 * A sandbox whose collections are taken and then never heard of: the test sends the
 * notifications itself, and a status query finds nothing (`unknown`).
 */
export class HeldCollections extends SandboxPaymentProvider {
  override async collect(): Promise<CollectResult> {
    return { status: 'pending' };
  }
}

export const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'beijing' };

/** A new buyer's SU7 order, locked, given the car `vinNo` and marked ready at the centre. */
export async function scheduledOrder(h: Harness, n: number, vinNo: number):
  Promise<{ token: string; orderId: string }> {
  const b = await h.buyer(n);
  const o = await h.order(b.token, `k${n}`, SU7);
  await h.call('POST', `/orders/${o.body.order_id}/lock`, { token: b.token,
    body: { confirm: true } });
  const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
    launch_id: 'su7-2024', built_on: '2025-08-01', reason: 'run', cars: [{ vin: withCheckCharacter(
      `LXMSU7AB0R${String(vinNo).padStart(7, '0')}`), trim: 'standard', options: [] }] } });
  assert.equal(run.body.allocated[0]?.order_id, o.body.order_id, JSON.stringify(run.body));
  await h.call('POST', `/admin/orders/${o.body.order_id}/ready`, { token: ADMIN });
  return { token: b.token as string, orderId: o.body.order_id as string };
}

/** Sums of an order's money events (deliveries') by kind. */
export async function moneyEvents(h: Harness, orderId: string): Promise<Record<string, number>> {
  const r = await h.call('GET', '/admin/deliveries/money-events', { token: ADMIN });
  const out: Record<string, number> = {};
  for (const e of r.body.events) {
    if (e.order_id === orderId) out[e.kind] = (out[e.kind] ?? 0) + e.amount_fen;
  }
  return out;
}

/** The provider's signed notice about a part, posted to the collections' webhook. */
export function collectionNotice(h: Harness, body: Record<string, unknown>,
  secret = h.ld.paymentSecret): Promise<Reply> {
  const raw = JSON.stringify({ occurred_at: '2025-09-01T00:00:00Z', ...body });
  return h.call('POST', '/payments/balance-notifications', { raw, headers: {
    'content-type': 'application/json', [SIGNATURE_HEADER]: sign(secret, Date.now(), raw) } });
}
