// Units an operator's cancel puts back after a size sold for good (issue #17, DOMAIN.md: never
// leave a unit unsold while someone who asked in time was refused for it; released units go to
// the waitlist in order). When the last unit was paid the waiting places closed (`closed`) and
// their buyers were told it sold out; a later cancel of paid sales reopens those places, in
// their order, in the cancel's transaction, and offers them the units; only what none of them
// takes goes back on sale.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, until, type Harness } from './harness.js';
import { freshSchemas, withPostgres } from './postgres.js';

const PRICE_FEN = 19_900;

function reopenSuite(label: string, env: () => Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`units back after a sell-out go to the closed line first (${label})`, () => {
    let h: Harness;
    const buy = (token: string, key: string, card = `card-${key}`) => h.call('POST',
      '/drops/hat/purchases', { token, body: { variant: 'm' }, headers: {
        'idempotency-key': key, 'x-payment-source': card } });
    const figures = async () => (await h.call('GET', '/drops/hat')).body.variants[0];
    const entry = async (token: string) => (await h.call('GET', '/drops/hat/mine',
      { token })).body.waitlist[0];

    before(async () => { h = await harness(env()); });
    after(async () => {
      await h.close();
      await cleanup();
    });

    it('offers the units to the places the sell-out closed, in order; the rest on sale',
      async () => {
      const opens = new Date(h.ld.app.clock.nowMs() + 60_000).toISOString();
      assert.equal((await h.call('PUT', '/admin/drops/hat', { token: ADMIN, body: {
        name: 'Hat', name_zh: '帽子', kind: 'merch', price_fen: PRICE_FEN, opens_at: opens,
        per_account_limit: 1, per_identity_limit: 1,
        variants: [{ variant: 'm', name: 'M', name_zh: 'M', quantity: 4 }] } })).status, 201);
      await h.tick(61);
      const paid: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await buy((await h.buyer(520 + i)).token, `hat-${i}`);
        assert.equal(r.body.hold?.status, 'paid', JSON.stringify(r.body));
        paid.push(r.body.hold.hold_id);
      }
      // A slow payment holds the last unit: sold out, not for good, so two refused buyers
      // join the line, first then second.
      const slowBuyer = await h.buyer(529);
      const slow = buy(slowBuyer.token, 'hat-slow', 'slow5-card-529');
      await until('the slow buyer holds the last unit', async () => (await figures()).held === 1);
      const first = await h.buyer(530);
      const second = await h.buyer(531);
      for (const w of [first, second]) {
        assert.equal((await h.call('POST', '/drops/hat/waitlist', { token: w.token,
          body: { variant: 'm' } })).status, 201);
      }
      assert.equal((await slow).body.hold?.status, 'paid');
      // Sold for good: both places closed, the line empty.
      assert.deepEqual([(await entry(first.token)).status, (await entry(second.token)).status],
        ['closed', 'closed']);
      assert.deepEqual(await figures(), { ...(await figures()), remaining: 0, held: 0, sold: 4,
        waitlist_waiting: 0, sold_out_for_good: true });

      // One cancelled sale: its unit is offered to the first place closed, none goes on sale.
      const one = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
        body: { drop_id: 'hat', order_ids: [paid[0]], reason: 'ring' } });
      assert.equal(one.body.cancelled, 1, JSON.stringify(one.body));
      const offered = await entry(first.token);
      assert.equal(offered.status, 'offered');
      assert.ok(offered.offer_hold_id);
      assert.equal((await entry(second.token)).status, 'waiting', 'back in the line, second');
      assert.deepEqual(await figures(), { ...(await figures()), remaining: 0, held: 1, sold: 3,
        waitlist_waiting: 1, sold_out: true, sold_out_for_good: false });
      // A newcomer cannot take the unit the line is offered.
      const newcomer = await h.buyer(532);
      assert.equal((await buy(newcomer.token, 'hat-new')).body.error?.code, 'drop_sold_out');

      // Two more: one to the second place, the last (nobody closed is left) on sale.
      const two = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
        body: { drop_id: 'hat', order_ids: paid.slice(1), reason: 'ring' } });
      assert.equal(two.body.cancelled, 2, JSON.stringify(two.body));
      assert.equal((await entry(second.token)).status, 'offered');
      assert.deepEqual(await figures(), { ...(await figures()), remaining: 1, held: 2, sold: 1,
        waitlist_waiting: 0 });
      const bought = await buy(newcomer.token, 'hat-new-2');
      assert.equal(bought.body.hold?.status, 'paid', JSON.stringify(bought.body));
    });

    it('never offers a unit back to the account whose sale the cancel took (the third '
      + 'attacker\'s find: with a limit of 2 the ring bought its own unit again)', async () => {
      const opens = new Date(h.ld.app.clock.nowMs() + 60_000).toISOString();
      assert.equal((await h.call('PUT', '/admin/drops/cap', { token: ADMIN, body: {
        name: 'Cap', name_zh: '帽', kind: 'merch', price_fen: PRICE_FEN, opens_at: opens,
        per_account_limit: 2, per_identity_limit: 2,
        variants: [{ variant: 'm', name: 'M', name_zh: 'M', quantity: 1 }] } })).status, 201);
      await h.tick(61);
      const capEntry = async (token: string) => (await h.call('GET', '/drops/cap/mine',
        { token })).body.waitlist[0];
      // The ring's account holds the only unit with a slow card and joins the line meanwhile;
      // an honest buyer joins after it.
      const ring = await h.buyer(540);
      const honest = await h.buyer(541);
      const slow = h.call('POST', '/drops/cap/purchases', { token: ring.token,
        body: { variant: 'm' }, headers: { 'idempotency-key': 'cap-ring',
          'x-payment-source': 'slow5-card-540' } });
      await until('the ring holds the unit', async () =>
        (await h.call('GET', '/drops/cap')).body.variants[0].held === 1);
      for (const w of [ring, honest]) {
        const joined = await h.call('POST', '/drops/cap/waitlist', { token: w.token,
          body: { variant: 'm' } });
        assert.equal(joined.status, 201, JSON.stringify(joined.body));
      }
      const sale = await slow;
      assert.equal(sale.body.hold?.status, 'paid', JSON.stringify(sale.body));
      assert.equal((await capEntry(ring.token)).status, 'closed');
      const cancel = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
        body: { drop_id: 'cap', order_ids: [sale.body.hold.hold_id], reason: 'ring' } });
      assert.equal(cancel.body.cancelled, 1, JSON.stringify(cancel.body));
      // The unit goes to the honest buyer behind it; the ring's place stays closed.
      assert.equal((await capEntry(ring.token)).status, 'closed');
      assert.equal((await capEntry(honest.token)).status, 'offered');
    });
  });
}

reopenSuite('SQLite', () => ({}), async () => undefined);
const schemas = freshSchemas();
await withPostgres('units back after a sell-out on PostgreSQL', () =>
  reopenSuite('PostgreSQL', schemas.env, schemas.dropAll));
