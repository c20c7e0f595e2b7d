// Deliveries and price books joined (issue #16), through HTTP on both stores: a price cut
// before the allocation and another after a part was paid lower the balance due (an order
// already paid in full gets the overpaid part back through deliveries' refund path); the
// buyer's delivery view and price-protection view agree to the fen; deliveries' money reaches
// the ledger, so the books (deposits applied, balance received and outstanding, revenue, the
// order book) are right to the fen and equal a rebuild from the events; a cut after the
// handover is a protection refund, not a credit.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxPaymentProvider } from '../src/payments/index.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { assertBooksMatchHistory } from './delivery-fixtures.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const LAUNCH = 'su7-2024';
const SU7 = { launch_id: LAUNCH, trim: 'standard', options: [], city: 'beijing' };
const C1 = 1_000_000;
const C2 = 500_000;
const C3 = 200_000;
const PART = 5_000_000;

function joinedSuite(name: string, env: Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`deliveries and price books joined on ${name}`, () => {
    let h: Harness;
    let seq = 0;
    const vin = (): string => withCheckCharacter(`LXMSU7AB0R${String(++seq).padStart(7, '0')}`);
    const call = (token: string, method: string, path: string, body?: unknown, key?: string) =>
      h.call(method, path, { token, ...(body === undefined ? {} : { body }),
        ...(key ? { headers: { 'idempotency-key': key } } : {}) });
    const ok = async (p: Promise<Reply>, status = 200): Promise<Reply> => {
      const r = await p;
      assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 400));
      return r;
    };
    let list = 0;
    /** Cuts the standard trim's list price by `fen`, in force at once. */
    const cut = async (fen: number) => {
      list -= fen;
      await ok(call(ADMIN, 'POST', `/admin/launches/${LAUNCH}/price-versions`, { item_kind: 'trim',
        item_id: 'standard', price_fen: list, reason: `cut of ${fen} fen` }), 201);
    };
    const lockedOrder = async (n: number) => {
      const b = await h.buyer(n);
      const o = await h.order(b.token, `k${n}`, SU7);
      assert.equal(o.status, 201, JSON.stringify(o.body));
      await ok(call(b.token, 'POST', `/orders/${o.body.order_id}/lock`, { confirm: true }));
      return { token: b.token, orderId: o.body.order_id as string };
    };
    const view = (o: { token: string; orderId: string }) =>
      ok(call(o.token, 'GET', `/orders/${o.orderId}/delivery`)).then((r) => r.body);
    const priceView = (o: { token: string; orderId: string }) =>
      ok(call(o.token, 'GET', `/orders/${o.orderId}/price-protection`)).then((r) => r.body);
    /** Pays `fen` in one part and waits for the provider's word. */
    const pay = async (o: { token: string; orderId: string }, fen: number, key: string) => {
      await ok(call(o.token, 'POST', `/orders/${o.orderId}/balance/parts`,
        { amount_fen: fen, method: 'card' }, key), 201);
      for (let i = 0; i < 200; i++) {
        if ((await view(o)).balance.pending_fen === 0) return;
        await sleep(10);
      }
      throw new Error('the part stayed pending');
    };
    const handOver = async (o: { token: string; orderId: string }) => {
      await ok(call(ADMIN, 'POST', `/admin/orders/${o.orderId}/ready`));
      const slots = (await ok(call(o.token, 'GET', `/orders/${o.orderId}/delivery/slots`)))
        .body.slots;
      await ok(call(o.token, 'PUT', `/orders/${o.orderId}/delivery/appointment`,
        { slot_start: slots[0].slot_start }));
      return (await ok(call(ADMIN, 'POST', `/admin/orders/${o.orderId}/handover`,
        { inspection_confirmed: true, keys_given: true }))).body.delivery;
    };
    const books = () => ok(call(ADMIN, 'GET', `/admin/books/${LAUNCH}`)).then((r) => r.body);
    /** The two views agree: what the delivery charges is what price protection says. */
    const agree = async (o: { token: string; orderId: string }) => {
      const [d, p] = await Promise.all([view(o), priceView(o)]);
      assert.equal(d.balance.price_fen, p.price_now_fen, 'delivery and protection agree');
      return d;
    };

    before(async () => {
      h = await harness(env, new SandboxPaymentProvider({ notifyDelayMs: [0, 0],
        random: () => 0.99 }));
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    it('lock, credit, scheduled, parts, credit, ready, appointment, handover; then a refund',
      async () => {
        const a = await lockedOrder(1);
        const c = await lockedOrder(2);
        const placed = await priceView(a);
        const P = placed.price_now_fen as number;
        list = placed.list_price_now_fen as number;
        // A cut before any car: the allocation charges the lower price.
        await cut(C1);
        const run = await ok(call(ADMIN, 'POST', '/admin/production-runs', { launch_id: LAUNCH,
          built_on: '2025-08-01', reason: 'a run', cars: [1, 2].map(() => ({ vin: vin(),
            trim: 'standard', options: [] })) }), 201);
        assert.deepEqual(run.body.allocated.map((x: { order_id: string }) => x.order_id).sort(),
          [a.orderId, c.orderId].sort());
        const d0 = await agree(a);
        const D = d0.balance.deposit_fen as number;
        assert.equal(d0.balance.price_fen, P - C1);
        assert.equal(d0.balance.outstanding_fen, P - C1 - D);
        // a pays a part; c pays everything at the price then.
        await pay(a, PART, 'a1');
        await pay(c, P - C1 - D, 'c1');
        let b = await books();
        assert.equal(b.balance.due_fen, 2 * (P - D));
        assert.equal(b.balance.received_fen, PART + P - C1 - D);
        assert.equal(b.balance.outstanding_fen, P - C1 - D - PART);
        // A cut after the parts: a owes less; c paid too much and gets the difference back.
        await cut(C2);
        const d1 = await agree(a);
        assert.equal(d1.balance.outstanding_fen, P - C1 - C2 - D - PART);
        const c1 = await agree(c);
        assert.deepEqual([c1.balance.outstanding_fen, c1.balance.refunded_fen], [0, C2]);
        assert.equal(c1.parts[0].refunded_fen, C2);
        b = await books();
        assert.equal(b.balance.outstanding_fen, P - C1 - C2 - D - PART);
        assert.equal(b.balance.received_fen, PART + P - C1 - C2 - D);
        // The rest, then ready, an appointment and the handover.
        await pay(a, P - C1 - C2 - D - PART, 'a2');
        for (const o of [a, c]) {
          const done = await handOver(o);
          assert.equal(done.revenue_fen, P - C1 - C2);
          await agree(o);
        }
        b = await books();
        assert.equal(b.deposits.applied_fen, 2 * D);
        assert.equal(b.deposits.held_fen, 0);
        assert.equal(b.balance.due_fen, 2 * (P - D));
        assert.equal(b.balance.received_fen, 2 * (P - C1 - C2 - D));
        assert.equal(b.balance.outstanding_fen, 0);
        assert.equal(b.revenue.recognised_fen, 2 * (P - C1 - C2));
        assert.equal(b.revenue.deliveries, 2);
        assert.equal(b.order_book.potential_revenue_fen, 0);
        assert.equal(b.order_book.price_credits_fen, 2 * (C1 + C2));
        // A cut after the handover, within the rule's days: a refund, not a credit.
        await cut(C3);
        for (const o of [a, c]) {
          const p = await priceView(o);
          assert.deepEqual(p.protections.map((x: { kind: string }) => x.kind),
            ['credit', 'credit', 'refund']);
          assert.equal(p.protections[2].amount_fen, C3);
          assert.equal((await view(o)).revenue_fen, P - C1 - C2, 'revenue stays as charged');
        }
        b = await books();
        assert.equal(b.revenue.protection_refunds_fen, 2 * C3);
        assert.equal(b.revenue.net_fen, 2 * (P - C1 - C2 - C3));
        assert.equal(b.order_book.potential_revenue_fen, 0);
        assert.equal(b.balance.outstanding_fen, 0);
      });

    it('the books rebuilt from the events equal the stored sums', async () => {
      assert.equal((await h.ld.app.deps.store.deliveries({ stage: 'delivered' }, 100)).length,
        2, 'the lifecycle above delivered both orders');
      await assertBooksMatchHistory(h, LAUNCH);
    });
  });
}

joinedSuite('SQLite', {}, async () => undefined);
const schema = testSchema();
await withPostgres('deliveries and price books on PostgreSQL', () => joinedSuite('PostgreSQL',
  { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema },
  () => dropSchema(schema)));
