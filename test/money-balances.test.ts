// Money is never lost (issue #16), as a property on both stores, through HTTP: for random
// sequences of balance parts (the provider's word on each failing, late, twice, reordered, or
// a success after a failure), price cuts under the protection rule, deferrals and handovers,
// every order balances at every step: deposit + balance received - refunds = the price actually
// charged after protection (never more while parts are open; exactly once paid); deliveries'
// money events say the same as the record and its parts. At the end the books (books.ts folded
// over the ledger) equal a recomputation from the order and payment history to the fen, and
// the provider returned exactly the refunds the books record, each confirmed.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import {
  assertBooksMatchHistory, collectionNotice, HeldCollections, moneyEvents, scheduledOrder,
} from './delivery-fixtures.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const LAUNCH = 'su7-2024';

type Command =
  | { kind: 'pay'; share: number }
  | { kind: 'word'; index: number; outcome: 'succeeded' | 'failed'; twice: boolean }
  | { kind: 'cut'; fen: number }
  | { kind: 'defer'; days: number }
  | { kind: 'handover' };

const command: fc.Arbitrary<Command> = fc.oneof(
  // Often all that is payable, so balances get paid in full and cuts then owe refunds.
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const),
    share: fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })) }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('word' as const), index: fc.nat(),
    outcome: fc.constantFrom<'succeeded' | 'failed'>('succeeded', 'succeeded', 'failed'),
    twice: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut' as const),
    fen: fc.integer({ min: 1, max: 300_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('defer' as const),
    days: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('handover' as const) }) });

function moneySuite(name: string, env: Record<string, string>, numRuns: number,
  cleanup: () => Promise<void>): void {
  describe(`money balances on ${name}`, () => {
    let h: Harness;
    let sandbox: HeldCollections;
    let n = 0;
    let eventNo = 0;
    let list = 0;
    let floor = 0;
    before(async () => {
      sandbox = new HeldCollections({ notifyDelayMs: [0, 0], random: () => 0.99 });
      h = await harness(env, sandbox);
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    type Order = { token: string; orderId: string };
    const ok = async (p: Promise<Reply>, status = 200): Promise<Reply> => {
      const r = await p;
      assert.equal(r.status, status, JSON.stringify(r.body).slice(0, 400));
      return r;
    };
    const view = async (o: Order) => (await ok(h.call('GET', `/orders/${o.orderId}/delivery`,
      { token: o.token }))).body;
    const priceView = async (o: Order) => (await ok(h.call('GET',
      `/orders/${o.orderId}/price-protection`, { token: o.token }))).body;

    /** The order balances now; true when it is settled (nothing open, nothing pending). */
    async function balanced(o: Order): Promise<boolean> {
      const [v, p, e] = await Promise.all([view(o), priceView(o), moneyEvents(h, o.orderId)]);
      const b = v.balance;
      const charged = b.deposit_fen + b.received_fen - b.refunded_fen;
      const protectionRefunds = p.protections.filter((x: { kind: string }) =>
        x.kind === 'refund').reduce((s: number, x: { amount_fen: number }) => s + x.amount_fen, 0);
      const what = JSON.stringify({ balance: b, stage: v.stage, price: p.price_now_fen });
      assert.ok(charged - protectionRefunds <= p.price_now_fen, `never over: ${what}`);
      const settled = v.stage === 'delivered' || (b.outstanding_fen === 0 && b.pending_fen === 0);
      if (settled) assert.equal(charged - protectionRefunds, p.price_now_fen, `exact: ${what}`);
      if (v.stage !== 'delivered') assert.equal(b.price_fen, p.price_now_fen, what);
      assert.equal((e.balance_received ?? 0) - (e.balance_refunded ?? 0),
        b.received_fen - b.refunded_fen, 'the money events say what the record says');
      const parts = v.parts as Array<{ status: string; amount_fen: number; refunded_fen: number }>;
      assert.equal(parts.reduce((s, x) => s + (x.status === 'received' ? x.amount_fen : 0), 0),
        b.received_fen);
      assert.equal(parts.reduce((s, x) => s + x.refunded_fen, 0), b.refunded_fen);
      return settled;
    }

    const word = (reference: string, amount: number, outcome: string, eventId: string) =>
      ok(collectionNotice(h, { event_id: eventId, type: `collection.${outcome}`, reference,
        amount_fen: amount }));

    async function run(o: Order, c: Command, refs: Array<[string, number]>): Promise<void> {
      if (c.kind === 'pay') {
        const payable = (await view(o)).balance.payable_fen as number;
        if (payable === 0) return;
        const r = await h.call('POST', `/orders/${o.orderId}/balance/parts`, { token: o.token,
          body: { amount_fen: Math.max(1, Math.floor(payable * c.share)), method: 'card' },
          headers: { 'idempotency-key': `pay-${++eventNo}` } });
        if (r.status === 201) refs.push([r.body.part.reference, r.body.part.amount_fen]);
        else assert.equal(r.status < 500, true, JSON.stringify(r.body));
      } else if (c.kind === 'word' && refs.length > 0) {
        const [reference, amount] = refs[c.index % refs.length]!;
        const id = `evt_${++eventNo}`;
        await word(reference, amount, c.outcome, id);
        if (c.twice) await word(reference, amount, c.outcome, id);
      } else if (c.kind === 'cut' && list - c.fen >= floor) {
        list -= c.fen;
        await ok(h.call('POST', `/admin/launches/${LAUNCH}/price-versions`, { token: ADMIN,
          body: { item_kind: 'trim', item_id: 'standard', price_fen: list,
            reason: `a cut of ${c.fen} fen` } }), 201);
      } else if (c.kind === 'defer') {
        const r = await h.call('POST', `/orders/${o.orderId}/delivery/defer`, { token: o.token,
          body: { days: c.days } });
        assert.ok(r.status === 200 || r.status === 409, JSON.stringify(r.body));
      } else if (c.kind === 'handover') await handOver(o);
    }

    /** Books a slot and hands the car over, when the order is ready and paid in full. */
    async function handOver(o: Order): Promise<void> {
      const v = await view(o);
      if (v.stage !== 'ready' || v.balance.outstanding_fen > 0 || v.balance.pending_fen > 0) {
        return;
      }
      const slots = (await ok(h.call('GET', `/orders/${o.orderId}/delivery/slots`,
        { token: o.token }))).body.slots;
      const free = slots.filter((s: { left: number }) => s.left > 0);
      await ok(h.call('PUT', `/orders/${o.orderId}/delivery/appointment`, { token: o.token,
        body: { slot_start: free[0].slot_start } }));
      await ok(h.call('POST', `/admin/orders/${o.orderId}/handover`, { token: ADMIN,
        body: { inspection_confirmed: true, keys_given: true } }));
    }

    it('for every order at every step, whatever the provider says and whenever', async () => {
      list = (await priceView(await scheduledOrder(h, ++n, n))).list_price_now_fen;
      floor = Math.floor(list * 0.8);
      await fc.assert(fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 30 }),
        async (commands) => {
          const o = await scheduledOrder(h, ++n, n);
          const refs: Array<[string, number]> = [];
          await balanced(o);
          for (const c of commands) {
            await run(o, c, refs);
            await balanced(o);
          }
          // Every part still pending is confirmed; the rest is paid; the car handed over.
          for (const p of (await view(o)).parts) {
            if (p.status === 'pending') {
              await word(p.reference, p.amount_fen, 'succeeded', `evt_${++eventNo}`);
            }
          }
          const v = await view(o);
          if (v.stage === 'ready' && v.balance.payable_fen > 0) {
            await run(o, { kind: 'pay', share: 1 }, refs);
            const [reference, amount] = refs.at(-1)!;
            await word(reference, amount, 'succeeded', `evt_${++eventNo}`);
          }
          await handOver(o);
          const last = await view(o);
          assert.ok(await balanced(o) || last.stage === 'released',
            `settled at the end: ${JSON.stringify(last.balance)}`);
        }), { numRuns, seed: 16, endOnFailure: true });
    });

    it('the books equal the history, and the provider returned exactly the refunds recorded',
      async () => {
        await h.ld.app.payments.sendPayments();
        for (let i = 0; i < 500 && sandbox.outstanding > 0; i++) await sleep(10);
        await assertBooksMatchHistory(h, LAUNCH);
        const store = h.ld.app.deps.store;
        const entries = await store.ledgerEntries(LAUNCH, 0, 100_000);
        const recorded = entries.filter((e) => e.kind === 'balance_refunded'
          || e.kind === 'protection_refund').reduce((s, e) => s + e.amountFen, 0);
        let returned = 0;
        for (const reference of sandbox.refunds.keys()) {
          const r = sandbox.refunds.get(reference)!;
          assert.ok(r.succeeded, `refund ${reference} confirmed by the provider`);
          returned += r.amountFen;
        }
        assert.ok(recorded > 0, 'the sequences refunded something (else this shows nothing)');
        assert.equal(returned, recorded, 'every refund recorded was returned, once');
        const now = h.ld.app.clock.nowMs();
        assert.equal((await store.unsettledRefunds(now, 0)).count, 0, 'every refund confirmed');
      });
  });
}

moneySuite('SQLite', {}, 25, async () => undefined);
const schema = testSchema();
await withPostgres('money balances on PostgreSQL', () => moneySuite('PostgreSQL',
  { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema }, 10,
  () => dropSchema(schema)));
