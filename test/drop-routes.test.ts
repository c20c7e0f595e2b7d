// Drops through HTTP (in-process, simulated clock): an operator defines a drop, buyers buy at the
// opening, sold out shows at once, the limits hold, a declined payment and a cancelled or
// expired hold return their units, the waitlist is offered them in order, and bad input is
// refused with its code.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as Drops from '../src/drops/drop-schemas.js';
import type { RouteContract } from '../src/kernel/http/schema.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import { JACKET_OPENS as OPENS, jacketDrop } from './drop-fixtures.js';
import { ADMIN, assertDeclared, harness, type Harness } from './harness.js';

describe('drops over HTTP', () => {
  let h: Harness;
  const declined = new Set<string>();
  const buyers: Array<{ token: string; accountId: string }> = [];
  let n = 0;
  const buyer = async () => {
    const b = await h.buyer(++n);
    buyers.push(b);
    return b;
  };
  let keys = 0;
  const buy = (token: string, dropId: string, body: object, key = `k-${++keys}`) =>
    h.call('POST', `/drops/${dropId}/purchases`, { token, body,
      headers: { 'idempotency-key': key } });
  const figures = async (dropId: string) =>
    Object.fromEntries((await h.call('GET', `/drops/${dropId}`)).body.variants
      .map((v: any) => [v.variant, v]));

  const declared = (contract: RouteContract, r: { status: number; body: unknown }) =>
    assertDeclared(h, contract, r);

  before(async () => {
    h = await harness({}, new SandboxPaymentProvider({ declinePayers: declined }));
  });
  after(async () => h.close());

  it('an operator defines a drop; bad definitions and non-operators are refused', async () => {
    const b = await buyer();
    assert.equal((await h.call('PUT', '/admin/drops/jacket', { token: b.token,
      body: jacketDrop({ s: 2 }) })).status, 403);
    const created = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ s: 2, m: 1 }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.opens_at, OPENS);
    declared(Drops.putDrop, created);
    declared(Drops.drops, await h.call('GET', '/drops'));
    const edited = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ s: 3, m: 1 }) });
    assert.equal(edited.status, 200);
    for (const [body, code] of [
      [jacketDrop({ s: 0 }), 'invalid_drop'],
      [jacketDrop({ s: 1 }, { kind: 'car' }), 'invalid_drop'],
      [jacketDrop({ s: 1 }, { per_account_limit: 11 }), 'invalid_drop'],
      [jacketDrop({ s: 1 }, { price_fen: '12' }), 'invalid_request'],
      [jacketDrop({ s: 1 }, { opens_at: 'tomorrow' }), 'invalid_request'],
      [jacketDrop({ s: 1 }, { variants: 'many' }), 'invalid_request'],
      [jacketDrop({ s: 1 }, { variants: [{ variant: 's', name: 'S', name_zh: 'S' }] }),
        'invalid_request'],
      [{ ...jacketDrop({ s: 1, m: 1 }), variants: [...jacketDrop({ s: 1 }).variants,
        ...jacketDrop({ s: 1 }).variants] }, 'invalid_drop'],
    ] as const) {
      const r = await h.call('PUT', '/admin/drops/other', { token: ADMIN, body });
      assert.equal(r.body.error?.code, code, JSON.stringify(body));
    }
    assert.equal((await h.call('PUT', '/admin/drops/Bad%20Id', { token: ADMIN,
      body: jacketDrop({ s: 1 }) })).body.error?.code, 'invalid_drop');
    const f = await figures('jacket');
    assert.equal(f.s.remaining, 3);
    assert.equal(f.s.sold_out, false);
  });

  it('refuses purchases before the opening and bad purchase input', async () => {
    const b = buyers[0]!;
    const code = async (r: Promise<{ body: any }>) => (await r).body.error?.code;
    assert.equal(await code(buy(b.token, 'jacket', { variant: 's' })), 'drop_not_open');
    assert.equal((await h.call('POST', '/drops/jacket/purchases', { token: b.token,
      body: { variant: 's' } })).body.error?.code, 'idempotency_key_missing');
    assert.equal(await code(buy(b.token, 'jacket', { variant: 'xl' })), 'unknown_variant');
    assert.equal((await buy(b.token, 'jacket', {})).body.error?.code, 'invalid_request');
    assert.equal((await buy(b.token, 'jacket', { variant: 's', quantity: 0 })).body.error?.code,
      'invalid_request');
    assert.equal((await buy(b.token, 'jacket', { variant: 's', quantity: 1.5 })).body.error?.code,
      'invalid_request');
    assert.equal((await buy(b.token, 'jacket', { variant: 's', quantity: 99 })).body.error?.code,
      'invalid_request');
    assert.equal((await buy(b.token, 'nope', { variant: 's' })).body.error?.code, 'drop_not_found');
    assert.equal(await code(buy(b.token, 'jacket', { variant: 7 })), 'invalid_request');
    assert.equal((await h.call('POST', '/drops/jacket/purchases', { token: b.token,
      raw: '{"variant":', headers: { 'idempotency-key': 'x1', 'content-type': 'application/json' },
    })).body.error?.code, 'invalid_json');
    assert.equal((await h.call('POST', '/drops/jacket/purchases', { body: { variant: 's' },
      headers: { 'idempotency-key': 'x2' } })).status, 401);
    assert.equal((await h.call('GET', '/drops/nope')).body.error?.code, 'drop_not_found');
  });

  it('sells exactly the stock at the opening, shows sold out at once, keeps the limits',
    async () => {
      await h.tick(60);
      const a = buyers[0]!;
      const bought = await buy(a.token, 'jacket', { variant: 's', quantity: 2 }, 'a-1');
      assert.equal(bought.status, 201, JSON.stringify(bought.body));
      assert.equal(bought.body.hold.status, 'paid');
      assert.equal(bought.body.hold.amount_fen, 2 * 129_900);
      declared(Drops.purchase, bought);
      declared(Drops.drop, await h.call('GET', '/drops/jacket'));
      const replay = await buy(a.token, 'jacket', { variant: 's', quantity: 2 }, 'a-1');
      assert.equal(replay.status, 200);
      assert.equal(replay.body.hold.hold_id, bought.body.hold.hold_id);
      const reused = await buy(a.token, 'jacket', { variant: 's', quantity: 1 }, 'a-1');
      assert.equal(reused.body.error?.code, 'idempotency_key_reused');
      // The key named a purchase, not an order.
      assert.doesNotMatch(reused.body.error?.message, /order/);
      assert.equal((await buy(a.token, 'jacket', { variant: 'm' })).body.error?.code,
        'drop_limit_reached');
      const b = await buyer();
      const c = await buyer();
      const [rb, rc] = await Promise.all([buy(b.token, 'jacket', { variant: 's' }),
        buy(c.token, 'jacket', { variant: 's' })]);
      assert.deepEqual([rb.status, rc.status].sort(), [201, 409]);
      assert.equal((rb.status === 409 ? rb : rc).body.error?.code, 'drop_sold_out');
      const f = await figures('jacket');
      assert.deepEqual([f.s.remaining, f.s.held, f.s.sold, f.s.sold_out], [0, 0, 3, true]);
      assert.equal(f.s.sold_out_for_good, true);
      assert.equal(f.m.remaining, 1);
      assert.equal((await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
        body: jacketDrop({ s: 30 }) })).body.error?.code, 'drop_already_open');
    });

  it('a declined payment returns the unit; the waitlist is offered units in order', async () => {
    const d = await buyer();
    const e = await buyer();
    const f = await buyer();
    declined.add(d.accountId);
    const r = await buy(d.token, 'jacket', { variant: 'm' }, 'd-1');
    assert.equal(r.body.error?.code, 'payment_declined');
    // The same request again is answered as the first was, and charges nothing more.
    assert.equal((await buy(d.token, 'jacket', { variant: 'm' }, 'd-1')).body.error?.code,
      'payment_declined');
    assert.equal((await figures('jacket')).m.remaining, 1);
    // e holds the last M without paying (a hold alone), f is refused and waits.
    const held = await h.ld.app.drops.hold((await h.ld.app.deps.store.accountById(e.accountId))!,
      'jacket', { variant: 'm', quantity: 1 }, 'e-hold');
    assert.ok(held.ok);
    assert.equal((await buy(f.token, 'jacket', { variant: 'm' })).body.error?.code,
      'drop_sold_out');
    const joinedF = await h.call('POST', '/drops/jacket/waitlist', { token: f.token,
      body: { variant: 'm' } });
    assert.equal(joinedF.status, 201, JSON.stringify(joinedF.body));
    assert.equal(joinedF.body.entry.ahead, 0);
    declared(Drops.joinWaitlist, joinedF);
    const joinedD = await h.call('POST', '/drops/jacket/waitlist', { token: d.token,
      body: { variant: 'm' } });
    assert.equal(joinedD.body.entry.ahead, 1);
    assert.equal((await h.call('POST', '/drops/jacket/waitlist', { token: f.token,
      body: { variant: 'm' } })).status, 200);
    assert.equal((await h.call('POST', '/drops/jacket/waitlist', { token: f.token,
      body: { variant: 's' } })).body.error?.code, 'drop_sold_out');
    // The hold expires: its unit is offered to f, first in line, not put back on sale.
    await h.tick(h.ld.app.deps.limits.dropHoldSeconds);
    await h.ld.app.drops.sweep();
    const mineF = await h.call('GET', '/drops/jacket/mine', { token: f.token });
    assert.equal(mineF.body.waitlist[0].status, 'offered');
    const offerId = mineF.body.waitlist[0].offer_hold_id;
    declared(Drops.mine, mineF);
    assert.equal((await figures('jacket')).m.remaining, 0);
    // f lets the offer lapse; it passes to d, who declines it by cancelling; back on sale.
    await h.tick(h.ld.app.deps.limits.dropOfferSeconds);
    await h.ld.app.drops.sweep();
    assert.equal((await h.call('POST', `/drops/jacket/holds/${offerId}/pay`, { token: f.token }))
      .body.error?.code, 'hold_expired');
    const mineD = await h.call('GET', '/drops/jacket/mine', { token: d.token });
    assert.equal(mineD.body.waitlist[0].status, 'offered');
    declined.delete(d.accountId);
    const paid = await h.call('POST',
      `/drops/jacket/holds/${mineD.body.waitlist[0].offer_hold_id}/pay`, { token: d.token });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.hold.status, 'paid');
    declared(Drops.payHold, paid);
    const fig = await figures('jacket');
    assert.deepEqual([fig.m.remaining, fig.m.held, fig.m.sold], [0, 0, 1]);
    assert.equal((await h.call('POST', `/drops/jacket/holds/${offerId}/cancel`,
      { token: d.token })).body.error?.code, 'hold_not_found');
    assert.equal((await h.call('POST', '/drops/jacket/holds/bad%20id/pay', { token: d.token }))
      .body.error?.code, 'hold_not_found');
  });

  it('a paid or cancelled hold cannot be paid or cancelled again', async () => {
    const g = await buyer();
    const account = (await h.ld.app.deps.store.accountById(g.accountId))!;
    await h.call('PUT', '/admin/drops/cap', { token: ADMIN, body: jacketDrop({ one: 3 },
      { opens_at: new Date(h.ld.app.clock.nowMs()).toISOString() }) });
    const held = await h.ld.app.drops.hold(account, 'cap', { variant: 'one', quantity: 1 }, 'g1');
    assert.ok(held.ok);
    const id = held.value.hold.holdId;
    const cancel = () => h.call('POST', `/drops/cap/holds/${id}/cancel`, { token: g.token });
    const cancelled = await cancel();
    assert.equal(cancelled.body.hold.status, 'cancelled');
    declared(Drops.cancelHold, cancelled);
    assert.equal((await cancel()).body.error?.code, 'hold_closed');
    assert.equal((await h.call('POST', `/drops/cap/holds/${id}/pay`, { token: g.token }))
      .body.error?.code, 'hold_closed');
    assert.equal((await figures('cap')).one.remaining, 3);
    // Units on sale: buy them rather than wait.
    assert.equal((await h.call('POST', '/drops/cap/waitlist', { token: g.token,
      body: { variant: 'one' } })).body.error?.code, 'waitlist_not_needed');
  });
});

describe('a full drop waitlist', () => {
  it('refuses the next buyer with waitlist_full', async () => {
    const h = await harness({ LAUNCHDAY_DROP_WAITLIST_MAX: '1' });
    try {
      const now = new Date(h.ld.app.clock.nowMs()).toISOString();
      await h.call('PUT', '/admin/drops/tee', { token: ADMIN, body: jacketDrop({ s: 1 },
        { opens_at: now }) });
      const [a, b, c] = [await h.buyer(1), await h.buyer(2), await h.buyer(3)];
      const account = (await h.ld.app.deps.store.accountById(a.accountId))!;
      assert.ok((await h.ld.app.drops.hold(account, 'tee', { variant: 's', quantity: 1 }, 'a'))
        .ok);
      const join = (token: string) => h.call('POST', '/drops/tee/waitlist', { token,
        body: { variant: 's' } });
      assert.equal((await join(b.token)).status, 201);
      assert.equal((await join(c.token)).body.error?.code, 'waitlist_full');
    } finally {
      await h.close();
    }
  });
});

describe('a size sold for good ends its waitlist', () => {
  it('closes the waiting entries in the sale\'s batch: no place shown, no one counted, a join '
    + 'refused drop_sold_out', async () => {
    const h = await harness({});
    try {
      const now = new Date(h.ld.app.clock.nowMs()).toISOString();
      await h.call('PUT', '/admin/drops/car', { token: ADMIN, body: jacketDrop({ m: 1, s: 1 },
        { opens_at: now }) });
      const [a, b, c, d] = [await h.buyer(1), await h.buyer(2), await h.buyer(3),
        await h.buyer(4)];
      const account = async (id: string) => (await h.ld.app.deps.store.accountById(id))!;
      const join = (token: string, variant: string) => h.call('POST', '/drops/car/waitlist',
        { token, body: { variant } });
      const waiting = async () => Object.fromEntries((await h.call('GET', '/drops/car')).body
        .variants.map((v: any) => [v.variant, v.waitlist_waiting]));
      const place = async (token: string, variant: string) => (await h.call('GET',
        '/drops/car/mine', { token })).body.waitlist.find((e: any) => e.variant === variant);
      // M: a holds the only unit; b then c wait; a's hold expires, b is offered it and pays.
      const heldM = await h.ld.app.drops.hold(await account(a.accountId), 'car',
        { variant: 'm', quantity: 1 }, 'a-m');
      assert.ok(heldM.ok);
      assert.equal((await join(b.token, 'm')).status, 201);
      assert.equal((await join(c.token, 'm')).body.entry?.ahead, 1);
      await h.tick(h.ld.app.deps.limits.dropHoldSeconds);
      await h.ld.app.drops.sweep();
      const offer = await place(b.token, 'm');
      assert.equal(offer.status, 'offered');
      const paidM = await h.call('POST', `/drops/car/holds/${offer.offer_hold_id}/pay`,
        { token: b.token });
      assert.equal(paidM.body.hold?.status, 'paid', JSON.stringify(paidM.body));
      assert.deepEqual([(await place(c.token, 'm')).status, (await place(c.token, 'm')).ahead],
        ['closed', 0]);
      // S: a holds the only unit, d waits; S is not sold for good, so d still waits.
      const heldS = await h.ld.app.drops.hold(await account(a.accountId), 'car',
        { variant: 's', quantity: 1 }, 'a-s');
      assert.ok(heldS.ok);
      assert.equal((await join(d.token, 's')).status, 201);
      assert.deepEqual(await waiting(), { m: 0, s: 1 });
      assert.equal((await h.call('POST', `/drops/car/holds/${heldS.value.hold.holdId}/pay`,
        { token: a.token })).body.hold?.status, 'paid');
      assert.equal((await place(d.token, 's')).status, 'closed');
      const again = await join(c.token, 'm');
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(again.body.error?.code, 'drop_sold_out');
      assert.equal((await join(a.token, 's')).body.error?.code, 'drop_sold_out');
      assert.deepEqual(await waiting(), { m: 0, s: 0 });
    } finally {
      await h.close();
    }
  });

  it('a purchase paying the last unit closes the line of those waiting', async () => {
    const h = await harness({});
    try {
      const now = new Date(h.ld.app.clock.nowMs()).toISOString();
      await h.call('PUT', '/admin/drops/tee', { token: ADMIN, body: jacketDrop({ s: 1 },
        { opens_at: now }) });
      const [a, b] = [await h.buyer(1), await h.buyer(2)];
      const held = await h.ld.app.drops.hold((await h.ld.app.deps.store.accountById(
        a.accountId))!, 'tee', { variant: 's', quantity: 1 }, 'a-s');
      assert.ok(held.ok);
      assert.equal((await h.call('POST', '/drops/tee/waitlist', { token: b.token,
        body: { variant: 's' } })).status, 201);
      const paid = await h.call('POST', `/drops/tee/holds/${held.value.hold.holdId}/pay`,
        { token: a.token });
      assert.equal(paid.body.hold?.status, 'paid', JSON.stringify(paid.body));
      const mine = await h.call('GET', '/drops/tee/mine', { token: b.token });
      assert.deepEqual(mine.body.waitlist.map((e: any) => e.status), ['closed']);
    } finally {
      await h.close();
    }
  });
});
