// What the deliveries tests share: an order taken to a car ready at the centre, its money events
// summed, and the provider's signed notice about a part sent as the provider sends it.
import { strict as assert } from 'node:assert';
import {
  sign, SIGNATURE_HEADER, SandboxPaymentProvider, type CollectResult,
} from '../src/payments/index.js';
import { aggregateLedger } from '../src/pricebooks/index.js';
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

/**
 * The books of `launchId` (GET /admin/books: the fold of books.ts over the ledger) equal, to the
 * fen, a recomputation from the order history, the protections given and deliveries' money
 * events; the store's ledger sums equal the sums over its entries; and each delivered order
 * was charged its price less its credits. Every order of the harness is of `launchId`.
 */
export async function assertBooksMatchHistory(h: Harness, launchId: string): Promise<void> {
  const store = h.ld.app.deps.store;
  const launch = (await h.ld.app.launches.launch(launchId))!;
  const entries = await store.ledgerEntries(launchId, 0, 100_000);
  assert.deepEqual(aggregateLedger(entries, launch.opensAtMs),
    await store.ledgerSums(launchId, launch.opensAtMs));
  // Deliveries' own money events, summed, are what the books say of the balance.
  const events = await store.moneyEventsAfter(0, 100_000);
  const sum = (k: string) => events.filter((e) => e.kind === k)
    .reduce((s, e) => s + e.amountFen, 0);
  const b = (await h.call('GET', `/admin/books/${launchId}`, { token: ADMIN })).body;
  assert.equal(b.balance.received_fen, sum('balance_received') - sum('balance_refunded'));
  assert.equal(b.deposits.applied_fen, sum('deposit_applied'));
  assert.equal(b.revenue.recognised_fen, sum('revenue_recognised'));
  // The rest from the order history and the protections given: deposits, the order book,
  // protection refunds, what is due and outstanding.
  let received = 0; let book = 0; let due = 0; let refunds = 0; let credits = 0;
  const delivered = await store.deliveries({ stage: 'delivered' }, 100_000);
  const deliveredIds = new Set(delivered.map((d) => d.orderId));
  for (const o of await store.ordersOfLaunch(launchId, '', 100_000)) {
    received += o.depositFen;
    let price = o.priceFen;
    const hasRecord = (await store.delivery(o.orderId)) !== null;
    for (const p of await store.protectionsOf(o.orderId)) {
      if (p.kind === 'credit') price -= p.amountFen;
      if (p.kind === 'credit' && hasRecord) credits += p.amountFen;
      if (p.kind === 'refund') refunds += p.amountFen;
    }
    if (!deliveredIds.has(o.orderId)) book += price;
    if (hasRecord) due += o.priceFen - o.depositFen;
  }
  assert.equal(b.deposits.received_fen, received);
  assert.equal(b.deposits.held_fen, received - sum('deposit_applied'));
  assert.equal(b.order_book.potential_revenue_fen, book);
  assert.equal(b.revenue.protection_refunds_fen, refunds);
  assert.equal(b.balance.due_fen, due);
  assert.equal(b.balance.outstanding_fen, due - b.balance.received_fen - credits);
  // And the price charged is the order's price less its credits, order by order.
  for (const d of delivered) {
    const given = (await store.protectionsOf(d.orderId))
      .filter((p) => p.kind === 'credit').reduce((s, p) => s + p.amountFen, 0);
    assert.equal(d.revenueFen, (await store.order(d.orderId))!.priceFen - given);
  }
}
