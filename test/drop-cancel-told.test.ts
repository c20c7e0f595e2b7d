// A drop purchase an operator cancelled as suspicious is told to its buyer (the new user's
// find 9): it vanished from the drop page's "mine" and from My orders (GET /drop-purchases
// listed held and paid holds only), and the reason was in the audit log only, while the
// console's cancel dialog promises "each buyer sees your reason". Both stores.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { compileReply } from '../src/kernel/http/schema.js';
import * as Drops from '../src/drops/drop-schemas.js';
import { ADMIN, harness, type Harness } from './harness.js';
import { freshSchemas, withPostgres } from './postgres.js';

const PRICE_FEN = 129_900;
const REASON = 'One device and one card behind three accounts';

function cancelToldSuite(label: string, env: () => Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`a cancelled drop purchase is told to its buyer (${label})`, () => {
    let h: Harness;
    let buyer: { token: string; accountId: string };
    let paid = '';
    let declined = '';

    before(async () => {
      h = await harness(env());
      buyer = await h.buyer(520);
      assert.equal((await h.call('PUT', '/admin/drops/tee', { token: ADMIN, body: {
        name: 'Tee', name_zh: 'T恤', kind: 'merch', price_fen: PRICE_FEN,
        opens_at: new Date(h.ld.app.clock.nowMs() + 60_000).toISOString(),
        per_account_limit: 2, per_identity_limit: 2, variants: [
          { variant: 'm', name: 'M', name_zh: 'M', quantity: 5 }] } })).status, 201);
      await h.tick(61);
      const r = await h.call('POST', '/drops/tee/purchases', { token: buyer.token,
        body: { variant: 'm' }, headers: { 'idempotency-key': 'told-1' } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      paid = r.body.hold.hold_id;
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    it('before any cancel, the buyer\'s own holds say no operator cancelled them', async () => {
      const m = await h.call('GET', '/drops/tee/mine', { token: buyer.token });
      assert.equal(m.status, 200, JSON.stringify(m.body));
      assert.deepEqual(m.body.holds.map((x: any) => [x.hold_id, x.operator_cancel]),
        [[paid, null]]);
    });

    it('the cancel\'s reason and refund are on the drop page\'s read and in My orders',
      async () => {
      const c = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
        body: { drop_id: 'tee', order_ids: [paid], reason: REASON } });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      assert.equal(c.body.cancelled, 1);
      const m = await h.call('GET', '/drops/tee/mine', { token: buyer.token });
      const valid = compileReply(Drops.mine(h.ld.app.deps.limits).replies[200]!);
      assert.ok(Boolean(valid(m.body)), JSON.stringify(valid.errors));
      const hold = m.body.holds.find((x: any) => x.hold_id === paid);
      assert.notEqual(hold.status, 'paid');
      assert.equal(hold.operator_cancel.reason, REASON);
      assert.equal(hold.operator_cancel.refund_fen, PRICE_FEN);
      const p = await h.call('GET', '/drop-purchases', { token: buyer.token });
      const validP = compileReply(Drops.myPurchases(h.ld.app.deps.limits).replies[200]!);
      assert.ok(Boolean(validP(p.body)), JSON.stringify(validP.errors));
      const listed = p.body.purchases.find((x: any) => x.hold.hold_id === paid);
      assert.ok(listed, `listed in My orders: ${JSON.stringify(p.body)}`);
      assert.equal(listed.hold.operator_cancel.reason, REASON);
    });

    it('a hold the buyer let go is not called an operator\'s cancel, nor listed as bought',
      async () => {
      // A slow payment holds a unit; the buyer's own cancel of it ends it.
      const slow = h.call('POST', '/drops/tee/purchases', { token: buyer.token,
        body: { variant: 'm' }, headers: { 'idempotency-key': 'told-2',
          'x-payment-source': 'slow5-card-520' } });
      for (let i = 0; i < 500 && !declined; i++) {
        const m = await h.call('GET', '/drops/tee/mine', { token: buyer.token });
        declined = m.body.holds.find((x: any) => x.status === 'held')?.hold_id ?? '';
        if (!declined) await new Promise((r) => setTimeout(r, 10));
      }
      assert.ok(declined, 'the slow purchase holds a unit');
      const own = await h.call('POST', `/drops/tee/holds/${declined}/cancel`,
        { token: buyer.token });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      await slow;
      const m = await h.call('GET', '/drops/tee/mine', { token: buyer.token });
      assert.equal(m.body.holds.find((x: any) => x.hold_id === declined).operator_cancel, null);
      const p = await h.call('GET', '/drop-purchases', { token: buyer.token });
      assert.equal(p.body.purchases.some((x: any) => x.hold.hold_id === declined), false);
    });
  });
}

cancelToldSuite('SQLite', () => ({}), async () => undefined);
const schemas = freshSchemas();
await withPostgres('a cancelled drop purchase told on PostgreSQL', () =>
  cancelToldSuite('PostgreSQL', schemas.env, schemas.dropAll));
