// Checks that must hold at every moment, computed from the orders themselves and compared with
// the figures launchday reports.
import { strict as assert } from 'node:assert';
import type { Order } from '../src/orders/order.js';
import { depositReference } from '../src/payments/payments.js';
import { ADMIN, type Harness } from './harness.js';

export interface ListedOrder {
  order_id: string; account_id: string; trim: string; city: string; status: string;
  price_fen: number; deposit: { amount_fen: number; state: string };
  queue_place: number | null; trim_seq: number | null;
}

export async function allOrders(h: Harness, launchId: string): Promise<ListedOrder[]> {
  const out: ListedOrder[] = [];
  let after = '';
  for (;;) {
    const r = await h.call('GET', `/admin/launches/${launchId}/orders?after=${after}&limit=1000`,
      { token: ADMIN });
    assert.equal(r.status, 200);
    out.push(...r.body.orders);
    if (!r.body.next_after) return out;
    after = r.body.next_after;
  }
}

/**
 * The deposit ledger balances, the figures equal a recount of the orders, no account is over
 * its limit, and the places in each queue are unique.
 */
export async function checkInvariants(h: Harness, launchId: string, perAccountLimit: number):
  Promise<ListedOrder[]> {
  const orders = await allOrders(h, launchId);
  const stats = (await h.call('GET', `/launches/${launchId}/stats`)).body;
  const d = stats.deposits_fen;
  assert.equal(d.received, d.held + d.refunded + d.forfeited + d.applied, 'deposit ledger');
  const recount = { received: 0, held: 0, refunded: 0, forfeited: 0, applied: 0 };
  const counts = { firm: 0, locked: 0, cancelled: 0 };
  let revenue = 0;
  const active = new Map<string, number>();
  const places = new Map<string, Set<number>>();
  for (const o of orders) {
    recount.received += o.deposit.amount_fen;
    recount[o.deposit.state as keyof typeof recount] += o.deposit.amount_fen;
    // A scheduled order counts as locked in the figures (orders' countedStatus).
    counts[(o.status === 'scheduled' ? 'locked' : o.status) as keyof typeof counts]++;
    if (o.status !== 'cancelled') {
      revenue += o.price_fen;
      active.set(o.account_id, (active.get(o.account_id) ?? 0) + 1);
    }
    if (o.queue_place !== null) {
      const key = `${o.trim}/${o.city}`;
      const set = places.get(key) ?? new Set<number>();
      assert.ok(!set.has(o.queue_place), `place ${o.queue_place} twice in ${key}`);
      set.add(o.queue_place);
      places.set(key, set);
    }
    if (o.status === 'locked' || o.status === 'scheduled') {
      assert.notEqual(o.queue_place, null, 'an order past its lock has a place');
    }
  }
  assert.deepEqual(d, recount, 'deposit figures equal a recount');
  assert.deepEqual(stats.orders, { ...counts, total: orders.length }, 'order counts');
  assert.equal(stats.potential_revenue_fen, revenue, 'potential revenue');
  for (const [acc, n] of active) assert.ok(n <= perAccountLimit, `${acc} holds ${n} orders`);
  return orders;
}

/**
 * The charges the provider should hold, by reference (fen): one per order whose deposit was
 * not refunded (held, forfeited or applied: money launchday kept). A refunded deposit's charge
 * is refunded at the provider once its refund has been handed over.
 */
export function expectedHolds(orders: readonly Order[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of orders) {
    if (o.depositState === 'refunded') continue;
    const ref = depositReference(o.accountId, o.idempotencyKey, o.requestHash);
    assert.ok(!out.has(ref), `two orders hold ${ref}`);
    out.set(ref, o.depositFen);
  }
  return out;
}

/** Every difference between the holds expected and the provider's, one sentence each. */
export function holdsMismatch(expected: ReadonlyMap<string, number>,
  held: ReadonlyMap<string, number>): string[] {
  const out: string[] = [];
  for (const [ref, fen] of held) {
    if (!expected.has(ref)) out.push(`the provider holds ${ref} (${fen} fen) that no order holds`);
    else if (expected.get(ref) !== fen) out.push(`${ref}: held ${fen} fen, order holds ${
      expected.get(ref)}`);
  }
  for (const [ref, fen] of expected) {
    if (!held.has(ref)) out.push(`an order holds ${ref} (${fen} fen) the provider does not`);
  }
  return out;
}

/** Every order of every launch, straight from the store. */
export async function storedOrders(h: Harness): Promise<Order[]> {
  const out: Order[] = [];
  for (const l of await h.ld.app.launches.all()) {
    let after = '';
    for (;;) {
      const page = await h.ld.app.deps.store.ordersOfLaunch(l.launchId, after, 1000);
      out.push(...page);
      if (page.length < 1000) break;
      after = page.at(-1)!.orderId;
    }
  }
  return out;
}

/**
 * At a quiet moment (no request under way; the refund outbox is drained here first), the
 * provider's held charges equal the orders' held deposits, one to one by reference. Needs the
 * in-process sandbox provider (`h.payments`).
 */
export async function checkPaymentHolds(h: Harness): Promise<void> {
  await h.ld.app.payments.sendPayments();
  const mismatch = holdsMismatch(expectedHolds(await storedOrders(h)),
    h.payments.heldReferences());
  assert.deepEqual(mismatch, [], 'the provider holds what the orders hold');
}
