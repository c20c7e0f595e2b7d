// Anti-scalping in a drop (issue #17: "cancel flagged orders before they lock, refunding the
// deposit, recorded with the operator's reason"). The attacker's find: a ring in a drop was
// reported, but every hold showed `cancellable: false` and the cancel took only a launch_id.
// Here a ring of three accounts buys jackets and a founder's car; the operator's cancel of the
// drop's cluster refunds the paid jackets (units offered down the waitlist, then on sale at
// once, even to a buyer this process had told "sold for good"), releases an unpaid hold, leaves
// the car deposits alone with the reason the report gives, and changes nothing the second time.
// A crash between the cancel and the refund's hand-over loses no money: the charge is neither
// voided by the sweep nor forgotten, and the refund reaches the provider and is confirmed.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { compileReply } from '../src/kernel/http/schema.js';
import { defaultLimits } from '../src/kernel/config.js';
import { SandboxPaymentProvider } from '../src/payments/payments.js';
import * as Scalpers from '../src/scalpers/scalper-schemas.js';
import { ADMIN, harness, sendQueued, until, type Harness } from './harness.js';
import { freshSchemas, withPostgres } from './postgres.js';

const DEVICE = 'ring-device-7777';
const CARD = 'card-ring-7777';
const PRICE_FEN = 129_900;

/** A merchandise or car drop opening a minute from now on the harness's clock. */
function dropBody(h: Harness, kind: 'merch' | 'car', quantity: number) {
  return { name: kind, name_zh: kind, kind, price_fen: kind === 'car' ? 59_990_000 : PRICE_FEN,
    ...(kind === 'car' ? { deposit_fen: 2_000_000 } : {}),
    opens_at: new Date(h.ld.app.clock.nowMs() + 60_000).toISOString(), per_account_limit: 1,
    per_identity_limit: 1, variants: [{ variant: 'm', name: 'M', name_zh: 'M', quantity }] };
}

/** The suite on one store: `env` names it (SQLite when empty); `cleanup` after it. */
function flaggedCancelSuite(label: string, env: () => Record<string, string>,
  cleanup: () => Promise<void>): void {
describe(`cancelling a drop's flagged holds (${label})`, () => {
  let h: Harness;
  const ring: Array<{ token: string; accountId: string }> = [];
  const holds: string[] = [];
  let waiter: { token: string; accountId: string };
  // `late` is refused as sold out, then buys a unit an operator's cancel put back.
  let late: { token: string; accountId: string };
  const cancel = (body: object) => h.call('POST', '/admin/suspicious/cancel',
    { token: ADMIN, body });
  const buy = (token: string, drop: string, key: string, device = DEVICE) => h.call('POST',
    `/drops/${drop}/purchases`, { token, body: { variant: 'm',
      delivery_address: '8 Warehouse Rd, Shenzhen' }, headers: { 'idempotency-key': key,
      'x-device-id': device, 'x-payment-source': CARD } });
  const stock = async (drop: string) => (await h.call('GET', `/drops/${drop}`)).body.variants[0];
  const clusterOf = async (drop: string) => {
    const r = await h.call('GET', `/admin/suspicious?drop_id=${drop}`, { token: ADMIN });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const valid = compileReply(Scalpers.report(h.ld.app.deps.limits).replies[200]!);
    assert.ok(Boolean(valid(r.body)), JSON.stringify(valid.errors));
    const c = r.body.clusters.find((x: any) => x.accounts.some((a: any) =>
      a.account_id === ring[0]!.accountId));
    assert.ok(c, JSON.stringify(r.body.clusters));
    return c;
  };

  before(async () => {
    h = await harness(env());
    for (let i = 0; i < 3; i++) ring.push(await h.buyer(300 + i));
    waiter = await h.buyer(310);
    late = await h.buyer(311);
    assert.equal((await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
      body: dropBody(h, 'merch', 3) })).status, 201);
    assert.equal((await h.call('PUT', '/admin/drops/founder', { token: ADMIN,
      body: dropBody(h, 'car', 5) })).status, 201);
    await h.tick(61);
    for (const [i, b] of ring.entries()) {
      const r = await buy(b.token, 'tee', `tee-${i}`);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.hold.status, 'paid');
      holds.push(r.body.hold.hold_id);
    }
    // Sold for good (every unit paid): this process learns it from the refusal.
    assert.equal((await buy(late.token, 'tee', 'late-0', 'own-device-311')).body.error?.code,
      'drop_sold_out');
    for (const [i, b] of ring.entries()) {
      const r = await buy(b.token, 'founder', `car-${i}`);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    await h.close();
    await cleanup();
  });

  it('the report shows the paid jackets cancellable and the car deposits locked, saying why',
    async () => {
    const tee = await clusterOf('tee');
    assert.deepEqual(new Set(tee.orders.map((o: any) => o.order_id)), new Set(holds));
    for (const o of tee.orders) {
      assert.deepEqual([o.status, o.deposit_state, o.cancellable, o.not_cancellable],
        ['paid', 'held', true, null]);
    }
    const car = await clusterOf('founder');
    assert.equal(car.orders.length, 3);
    for (const o of car.orders) {
      assert.equal(o.cancellable, false);
      assert.equal(o.not_cancellable.code, 'order_already_locked');
      assert.match(o.not_cancellable.message, /deposit locks on payment/);
    }
  });

  it('refunds the paid jackets with the reason, their units back on sale at once',
    async () => {
    assert.equal((await cancel({ drop_id: 'tee', order_ids: holds })).body.error?.code,
      'reason_required');
    assert.equal((await cancel({ drop_id: 'nope', order_ids: holds, reason: 'r' })).body.error
      ?.code, 'drop_not_found');
    assert.equal((await cancel({ launch_id: 'yu7-2025', drop_id: 'tee', order_ids: holds,
      reason: 'r' })).body.error?.code, 'invalid_request');
    assert.equal((await h.call('POST', '/admin/suspicious/cancel', { token: ring[0]!.token,
      body: { drop_id: 'tee', order_ids: holds, reason: 'r' } })).status, 403);
    const r = await cancel({ drop_id: 'tee', cluster_id: 'c9', reason: 'One device and card',
      order_ids: [...holds, 'hld_unknown'] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const valid = compileReply(Scalpers.cancelFlagged(h.ld.app.deps.limits).replies[200]!);
    assert.ok(Boolean(valid(r.body)), JSON.stringify(valid.errors));
    assert.deepEqual([r.body.cancelled, r.body.refused, r.body.refunded_fen],
      [3, 1, 3 * PRICE_FEN]);
    for (const id of holds) {
      assert.deepEqual(r.body.results.find((x: any) => x.order_id === id), { order_id: id,
        outcome: 'refunded', deposit_state: 'refunded', refund_fen: PRICE_FEN, why: null });
    }
    assert.equal(r.body.results.find((x: any) => x.order_id === 'hld_unknown').outcome,
      'hold_not_found');
    // The units are on sale at once (no one waits: the line closed when the last was paid).
    assert.deepEqual(await stock('tee'), { ...(await stock('tee')), remaining: 3, held: 0,
      sold: 0 });
    // The refunds are queued and handed over; the audit log has the operator's reason.
    await until('the refunds reach the provider', async () => {
      for (const id of holds) {
        if ((await h.payments.refundStatus(`drp_${id}`)).status === 'unknown') return false;
      }
      return true;
    });
    // Each refund the provider confirms is the drop's, recorded in the audit log under its hold,
    // never an order event under a hold's id (the attacker's finding 11).
    await until('the refunds settle', async () => (await h.ld.app.deps.store
      .unsettledRefunds(Number.MAX_SAFE_INTEGER, 0)).count === 0);
    for (const id of holds) assert.deepEqual(await h.ld.app.deps.store.orderEvents(id), []);
    const log = await h.call('GET', '/admin/audit-log?limit=50', { token: ADMIN });
    const settled = log.body.entries.filter((e: any) => e.action === 'drop_refund_settled');
    assert.deepEqual(new Set(settled.map((e: any) => e.detail.hold_id)), new Set(holds));
    assert.ok(settled.every((e: any) => e.actor === 'payment_provider'
      && e.detail.amount_fen === PRICE_FEN && e.detail.via === 'notification'));
    const entries = log.body.entries.filter((e: any) => e.action === 'drop_hold_cancelled');
    assert.equal(entries.length, 3);
    assert.ok(entries.every((e: any) => e.detail.reason === 'One device and card'
      && e.detail.refund_fen === PRICE_FEN && e.detail.cluster_id === 'c9'));
    const c = await clusterOf('tee');
    assert.ok(c.orders.every((o: any) => o.status === 'revoked'
      && o.deposit_state === 'refunded' && !o.cancellable
      && o.not_cancellable.code === 'hold_closed'));
  });

  it('the cancelled ring cannot buy the returned units again, with a new key or from the line',
    async () => {
    // The attacker's finding 4: each account bought again at once (201 paid), its cancelled
    // purchase no longer counting against its limit.
    for (const [i, b] of ring.entries()) {
      const r = await buy(b.token, 'tee', `tee-again-${i}`, `other-device-${i}`);
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'drop_limit_reached');
    }
    const mine = await h.call('GET', '/drops/tee/mine', { token: ring[0]!.token });
    assert.deepEqual(mine.body.holds.map((x: any) => x.status), ['revoked']);
    assert.deepEqual(await stock('tee'), { ...(await stock('tee')), remaining: 3, held: 0,
      sold: 0 });
  });

  it('a buyer told "sold for good" before the cancel can buy the unit back on sale', async () => {
    const r = await buy(late.token, 'tee', 'late-1', 'own-device-311');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.hold.status, 'paid');
  });

  it('a second cancel changes nothing', async () => {
    const { store } = h.ld.app.deps;
    const before = await stock('tee');
    const audited = async () => (await h.call('GET', '/admin/audit-log?limit=50',
      { token: ADMIN })).body.entries.filter((e: any) => e.action === 'drop_hold_cancelled')
      .length;
    const auditedBefore = await audited();
    await h.ld.app.payments.sendPayments();
    assert.deepEqual(await store.pendingPayments(10), []);
    const again = await cancel({ drop_id: 'tee', order_ids: holds, reason: 'again' });
    assert.deepEqual([again.body.cancelled, again.body.refused, again.body.refunded_fen],
      [0, 3, 0]);
    assert.ok(again.body.results.every((x: any) => x.outcome === 'hold_closed'));
    assert.deepEqual(await stock('tee'), before);
    assert.deepEqual(await store.pendingPayments(10), [], 'no second refund queued');
    assert.equal(await audited(), auditedBefore);
  });

  it('a refunded unit is offered down the waitlist first; an unpaid offer is released',
    async () => {
    assert.equal((await h.call('PUT', '/admin/drops/cap', { token: ADMIN,
      body: dropBody(h, 'merch', 3) })).status, 201);
    await h.tick(61);
    const paid: string[] = [];
    for (const [i, b] of ring.slice(0, 2).entries()) {
      paid.push((await buy(b.token, 'cap', `cap-${i}`)).body.hold.hold_id);
    }
    // A slow payment holds the last unit: sold out, not for good, so the waiter's line opens.
    const slow = h.call('POST', '/drops/cap/purchases', { token: late.token, body: {
      variant: 'm' }, headers: { 'idempotency-key': 'cap-slow', 'x-payment-source':
      'slow5-card-311' } });
    await until('the slow buyer holds the last unit', async () =>
      (await stock('cap')).held === 1);
    assert.equal((await h.call('POST', '/drops/cap/waitlist', { token: waiter.token,
      body: { variant: 'm' } })).status, 201);
    const r = await cancel({ drop_id: 'cap', order_ids: paid, reason: 'ring' });
    assert.deepEqual([r.body.cancelled, r.body.refunded_fen], [2, 2 * PRICE_FEN]);
    // One unit goes to the waiting buyer as an offer, the other on sale.
    assert.deepEqual(await stock('cap'), { ...(await stock('cap')), remaining: 1, held: 2,
      sold: 0 });
    const mine = await h.call('GET', '/drops/cap/mine', { token: waiter.token });
    assert.equal(mine.body.waitlist[0].status, 'offered');
    assert.equal((await slow).status, 201);
    // The waiting buyer's offer is a hold not yet paid: released, nothing charged.
    const offer = mine.body.waitlist[0].offer_hold_id;
    const released = await cancel({ drop_id: 'cap', order_ids: [offer], reason: 'flagged' });
    assert.deepEqual(released.body.results, [{ order_id: offer, outcome: 'cancelled',
      deposit_state: null, refund_fen: 0, why: null }]);
    assert.deepEqual(await stock('cap'), { ...(await stock('cap')), remaining: 2, held: 0,
      sold: 1 });
    // A released offer counts as a refunded sale does: the waiter cannot buy one on sale now.
    const again = await buy(waiter.token, 'cap', 'cap-waiter', 'own-device-310');
    assert.equal(again.body.error?.code, 'drop_limit_reached', JSON.stringify(again.body));
  });

  it('refuses the car deposits, locked on payment, and leaves them alone', async () => {
    const ids = (await clusterOf('founder')).orders.map((o: any) => o.order_id);
    const before = await stock('founder');
    const r = await cancel({ drop_id: 'founder', order_ids: ids, reason: 'ring' });
    assert.deepEqual([r.body.cancelled, r.body.refused], [0, 3]);
    assert.ok(r.body.results.every((x: any) => x.outcome === 'order_already_locked'
      && /deposit locks on payment/.test(x.why)));
    assert.deepEqual(await stock('founder'), before);
  });

  it('a merchandise sale past its cancel window is locked too', async () => {
    const sold = (await h.call('GET', '/drops/tee/mine', { token: late.token })).body.holds
      .find((x: any) => x.status === 'paid').hold_id;
    await h.tick(defaultLimits.dropSaleCancelHours * 3600);
    const r = await cancel({ drop_id: 'tee', order_ids: [sold], reason: 'late' });
    assert.equal(r.body.results[0].outcome, 'order_already_locked');
  });
});

describe(`a crash between a drop sale's cancel and its refund (${label})`, () => {
  /** Buyer `seq` buys the one tee; an operator cancels it (refunded); its hold id. */
  const boughtAndCancelled = async (h: Harness, seq: number): Promise<string> => {
    const b = await h.buyer(seq);
    assert.equal((await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
      body: dropBody(h, 'merch', 1) })).status, 201);
    await h.tick(61);
    const bought = await h.call('POST', '/drops/tee/purchases', { token: b.token,
      body: { variant: 'm' }, headers: { 'idempotency-key': 'k' } });
    assert.equal(bought.status, 201, JSON.stringify(bought.body));
    const { hold_id: holdId } = bought.body.hold;
    const r = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN,
      body: { drop_id: 'tee', order_ids: [holdId], reason: 'ring' } });
    assert.equal(r.body.results[0].outcome, 'refunded');
    return holdId;
  };

  it('loses no money: the charge is not voided, the refund is sent and confirmed', async () => {
    let offsetMs = 0;
    const options = { refundFailureShare: 1, notifyDelayMs: [1, 2] as const, lateShare: 0,
      nowMs: () => Date.now() + offsetMs };
    const payments = new SandboxPaymentProvider(options);
    const store = env();
    let h = await harness(store, payments);
    try {
      // The provider is away (refundFailureShare 1) when the cancel commits: the refund stays
      // queued.
      const reference = `drp_${await boughtAndCancelled(h, 400)}`;
      assert.equal(await h.ld.app.payments.sendPayments(), 0);
      // The process dies; the sweep of a later one finds the charge held and no sale holding it.
      await h.close(true);
      h = await harness({ ...store, LAUNCHDAY_DATA_DIR: h.dir }, payments);
      offsetMs += defaultLimits.chargeSweepGraceMs + 1000;
      assert.equal(await h.ld.app.settlement.reconciler.sweepCharges(), 0,
        'a charge whose refund is queued is held by it, not voided');
      assert.ok(payments.heldReferences().has(reference));
      // The provider is back: the outbox hands the refund over and the provider confirms it.
      (options as { refundFailureShare: number }).refundFailureShare = 0;
      await sendQueued(h);
      await until('the refund settles', async () => (await h.ld.app.deps.store
        .unsettledRefunds(Number.MAX_SAFE_INTEGER, 0)).count === 0);
      assert.deepEqual(await payments.refundStatus(reference),
        { status: 'succeeded', amountFen: PRICE_FEN });
      assert.equal(payments.voided, 0);
      assert.equal(payments.heldReferences().has(reference), false);
    } finally {
      await h.close();
      await cleanup();
    }
  });

  it('a refund confirmed by a status query is the drop\'s too, not an order event', async () => {
    // Every notification lost: only the reconciler's status query learns of the refund.
    const payments = new SandboxPaymentProvider({ notifyDelayMs: [1, 2], lateShare: 0,
      lostNotificationShare: 1 });
    const h = await harness(env(), payments);
    try {
      const holdId = await boughtAndCancelled(h, 401);
      await h.ld.app.payments.sendPayments();
      await until('the provider has refunded it', async () =>
        (await payments.refundStatus(`drp_${holdId}`)).status === 'succeeded');
      await h.tick(defaultLimits.refundConfirmAfterMs / 1000 + 1);
      await h.ld.app.settlement.reconciler.reconcile();
      await until('the refund settles', async () => (await h.ld.app.deps.store
        .unsettledRefunds(Number.MAX_SAFE_INTEGER, 0)).count === 0);
      assert.deepEqual(await h.ld.app.deps.store.orderEvents(holdId), []);
      const log = await h.call('GET', '/admin/audit-log?limit=50', { token: ADMIN });
      const settled = log.body.entries.filter((e: any) => e.action === 'drop_refund_settled');
      assert.deepEqual(settled.map((e: any) => [e.detail.hold_id, e.detail.via]),
        [[holdId, 'status_query']]);
    } finally {
      await h.close();
      await cleanup();
    }
  });
});
}

flaggedCancelSuite('SQLite', () => ({}), async () => undefined);
// A schema of its own per describe: the crash test counts every unsettled refund of its database.
const schemas = freshSchemas();
await withPostgres('a drop\'s flagged holds cancelled on PostgreSQL', () =>
  flaggedCancelSuite('PostgreSQL', schemas.env, schemas.dropAll));
