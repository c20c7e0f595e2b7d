// Anti-scalping through HTTP (in-process, simulated clock): the signals kept at registration,
// order and drop purchase; the suspicious-pattern report finds a planted ring (shared device,
// payment source, delivery address; a burst; a bulk registration) and leaves strangers out;
// the batch cancel refunds the ring's firm orders with the operator's reason, refuses the
// locked one with a stable code and leaves it alone; orders are not transferable and the
// limits per account and per identity hold.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { syntheticIdentity } from '../src/accounts/identity.js';
import * as Scalpers from '../src/scalpers/scalper-schemas.js';
import { compileReply } from '../src/kernel/http/schema.js';
import { jacketDrop } from './drop-fixtures.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, harness, YU7_MAX, type Harness } from './harness.js';

describe('the suspicious-pattern report and the batch cancel', () => {
  let h: Harness;
  const ring: Array<{ token: string; accountId: string }> = [];
  const strangers: Array<{ token: string; accountId: string }> = [];
  const ringOrders: string[] = [];
  const RING_DEVICE = 'ring-device-0001';
  const RING_CARD = 'card-ring-4242';

  const register = async (n: number, device: string) => {
    const id = syntheticIdentity(n);
    const r = await h.call('POST', '/accounts', { body: { phone: id.phone, name: `Buyer ${n}`,
      id_number: id.idNumber }, headers: { 'x-device-id': device } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return { token: r.body.token as string, accountId: r.body.account_id as string };
  };

  before(async () => {
    h = await harness();
    for (let i = 0; i < 5; i++) ring.push(await register(100 + i, RING_DEVICE));
    for (let i = 0; i < 6; i++) strangers.push(await register(200 + i, `own-device-${i}-xyz`));
    assert.equal((await h.tick(60)).status, 200);
    for (const [i, b] of ring.entries()) {
      const r = await h.call('POST', '/orders', { token: b.token, body: YU7_MAX,
        headers: { 'idempotency-key': `ring-${i}`, 'x-device-id': RING_DEVICE,
          'x-payment-source': RING_CARD } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ringOrders.push(r.body.order_id);
    }
    for (const [i, b] of strangers.entries()) {
      const r = await h.call('POST', '/orders', { token: b.token, body: YU7_MAX,
        headers: { 'idempotency-key': `s-${i}`, 'x-device-id': `own-device-${i}-xyz`,
          'x-payment-source': `card-own-${i}-0000` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => h.close());

  const report = (q: string) => h.call('GET', `/admin/suspicious?${q}`, { token: ADMIN });

  it('finds the ring and only the ring, with its orders, score and reasons', async () => {
    const r = await report('launch_id=yu7-2025');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const valid = compileReply(Scalpers.report(h.ld.app.deps.limits).replies[200]!);
    assert.ok(Boolean(valid(r.body)), JSON.stringify(valid.errors));
    // Every test buyer comes from one address: that network is a weak cluster of its own, after
    // the ring, and never merges the strangers into the ring.
    assert.equal(r.body.clusters.length, 2);
    const [c, net] = r.body.clusters;
    assert.deepEqual(net.reasons.map((x: any) => x.code).filter((x: string) =>
      x.startsWith('shared_')), ['shared_network']);
    assert.equal(net.accounts.length, 11);
    assert.ok(net.score < c.score);
    assert.deepEqual(new Set(c.accounts.map((a: any) => a.account_id)),
      new Set(ring.map((b) => b.accountId)));
    assert.deepEqual(new Set(c.orders.map((o: any) => o.order_id)), new Set(ringOrders));
    const codes = c.reasons.map((x: any) => x.code);
    for (const code of ['shared_device', 'shared_payment_source', 'burst']) {
      assert.ok(codes.includes(code), `${code} in ${codes}`);
    }
    assert.ok(c.score >= 70, String(c.score));
    assert.ok(c.orders.every((o: any) => o.status === 'firm' && o.cancellable));
    // Each order's deposit, so the console can say what a cancel refunds before it is sent.
    for (const [i, id] of ringOrders.entries()) {
      const mine = await h.call('GET', `/orders/${id}`, { token: ring[i]!.token });
      const o = c.orders.find((x: any) => x.order_id === id);
      assert.equal(o.deposit_fen, mine.body.deposit.amount_fen, id);
    }
    assert.ok(!JSON.stringify(r.body).includes(RING_DEVICE), 'no raw device id');
    assert.ok(!JSON.stringify(r.body).includes(RING_CARD), 'no raw payment source');
  });

  it('refuses a buyer, a missing or double scope, and an unknown launch or drop', async () => {
    assert.equal((await h.call('GET', '/admin/suspicious?launch_id=yu7-2025',
      { token: ring[0]!.token })).status, 403);
    assert.equal((await report('')).body.error?.code, 'invalid_request');
    assert.equal((await report('launch_id=yu7-2025&drop_id=x')).body.error?.code,
      'invalid_request');
    assert.equal((await report('launch_id=nope')).body.error?.code, 'launch_not_found');
    assert.equal((await report('drop_id=nope')).body.error?.code, 'drop_not_found');
    assert.equal((await report('launch_id=bad%20id')).status, 422);
  });

  it('cancels the firm ones with a refund and the reason; a locked one is refused, kept',
    async () => {
    const locked = await h.call('POST', `/orders/${ringOrders[0]}/lock`,
      { token: ring[0]!.token, body: { confirm: true } });
    assert.equal(locked.status, 200);
    const cancel = (body: object) => h.call('POST', '/admin/suspicious/cancel',
      { token: ADMIN, body });
    assert.equal((await cancel({ launch_id: 'yu7-2025', order_ids: ringOrders })).body.error?.code,
      'reason_required');
    assert.equal((await h.call('POST', '/admin/suspicious/cancel', { token: ring[1]!.token,
      body: { launch_id: 'yu7-2025', order_ids: ringOrders, reason: 'x' } })).status, 403);
    assert.equal((await cancel({ launch_id: 'nope', order_ids: ringOrders,
      reason: 'ring' })).body.error?.code, 'launch_not_found');
    const r = await cancel({ launch_id: 'yu7-2025', cluster_id: 'c1',
      order_ids: [...ringOrders, 'ord_unknown'], reason: 'One device and card behind 5 accounts' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.cancelled, 4);
    assert.equal(r.body.refused, 2);
    const by = new Map(r.body.results.map((x: any) => [x.order_id, x]));
    assert.equal((by.get(ringOrders[0]) as any).outcome, 'order_already_locked');
    assert.equal((by.get('ord_unknown') as any).outcome, 'order_not_found');
    for (const id of ringOrders.slice(1)) {
      assert.deepEqual(by.get(id), { order_id: id, outcome: 'cancelled',
        deposit_state: 'refunded' });
    }
    // The locked order is left alone; a cancelled one tells its buyer the operator's reason.
    const kept = await h.call('GET', `/orders/${ringOrders[0]}`, { token: ring[0]!.token });
    assert.equal(kept.body.status, 'locked');
    assert.equal(kept.body.deposit.state, 'held');
    const gone = await h.call('GET', `/orders/${ringOrders[1]}`, { token: ring[1]!.token });
    assert.equal(gone.body.status, 'cancelled');
    assert.match(JSON.stringify(gone.body.history), /One device and card/);
    const log = await h.call('GET', '/admin/audit-log?limit=20', { token: ADMIN });
    const entries = log.body.entries.filter((e: any) => e.action === 'order_cancelled');
    assert.equal(entries.length, 4);
    // Asked again: each already cancelled order says so.
    const again = await cancel({ launch_id: 'yu7-2025', order_ids: ringOrders.slice(1),
      reason: 'again' });
    assert.ok(again.body.results.every((x: any) => x.outcome === 'order_cancelled'));
    // The report now shows them cancelled and no longer cancellable.
    const [c] = (await report('launch_id=yu7-2025')).body.clusters;
    assert.equal(c.accounts.length, 5);
    assert.equal(c.orders.filter((o: any) => o.cancellable).length, 0);
  });

  it('a cancelled ring account does not get its place back: the cancel keeps counting',
    async () => {
    // yu7-2025 allows 2 orders per account. The attacker's finding 4, for a launch: the
    // cancelled order no longer counted, so the account could place 2 more.
    const place = (key: string) => h.call('POST', '/orders', { token: ring[4]!.token,
      body: YU7_MAX, headers: { 'idempotency-key': key, 'x-device-id': 'ring-device-0002' } });
    const first = await place('ring-4-again-1');
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const second = await place('ring-4-again-2');
    assert.equal(second.body.error?.code, 'per_account_limit_reached',
      JSON.stringify(second.body));
    // A buyer's own cancel frees the place, as before.
    const own = await h.call('POST', `/orders/${first.body.order_id}/cancel`,
      { token: ring[4]!.token, body: {} });
    assert.equal(own.status, 200, JSON.stringify(own.body));
    assert.equal((await place('ring-4-again-3')).status, 201);
  });

  it('finds a drop ring by its shared delivery address', async () => {
    const put = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ m: 20 }, { opens_at: new Date(h.ld.app.clock.nowMs() + 60_000)
        .toISOString() }) });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    await h.tick(61);
    for (const [i, b] of strangers.entries()) {
      const r = await h.call('POST', '/drops/jacket/purchases', { token: b.token,
        body: { variant: 'm', delivery_address: i < 3 ? '88 Warehouse Rd, Shenzhen'
          : `${i} Own St` }, headers: { 'idempotency-key': `d-${i}`,
          'x-device-id': `own-device-${i}-xyz` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const r = await report('drop_id=jacket');
    assert.equal(r.status, 200);
    const [c] = r.body.clusters;
    assert.deepEqual(new Set(c.accounts.map((a: any) => a.account_id)),
      new Set(strangers.slice(0, 3).map((b) => b.accountId)));
    assert.deepEqual(c.reasons.map((x: any) => x.code), ['shared_address']);
    // Paid merchandise within its cancel window: an operator may still cancel it with a refund.
    assert.ok(c.orders.every((o: any) => o.status === 'paid' && o.cancellable
      && o.deposit_state === 'held' && o.not_cancellable === null));
  });

  it('orders are not transferable: another buyer cannot touch one; no field moves it', async () => {
    const [a, b] = strangers;
    const o = await h.order(a!.token, 'own-1', { ...YU7_MAX, trim: 'pro' });
    assert.equal(o.status, 201);
    // Each action with a body it takes (bodies are closed: another field is refused first).
    const bodies: Record<string, object> = { lock: { confirm: true }, cancel: {},
      change: { trim: 'max' } };
    for (const [action, body] of Object.entries(bodies)) {
      const r = await h.call('POST', `/orders/${o.body.order_id}/${action}`,
        { token: b!.token, body });
      assert.equal(r.body.error?.code, 'order_not_found', action);
    }
    // No field moves it: one naming another account is not a field of the request.
    const moved = await h.call('POST', `/orders/${o.body.order_id}/change`, { token: a!.token,
      body: { account_id: b!.accountId, name: 'Someone Else' } });
    assert.equal(moved.status, 422, JSON.stringify(moved.body));
    assert.match(moved.body.error.message, /"account_id" is not a field of this request/);
    const after = await h.call('GET', `/orders/${o.body.order_id}`, { token: a!.token });
    assert.equal(after.status, 200);
    assert.equal((await h.call('GET', `/orders/${o.body.order_id}`, { token: b!.token }))
      .body.error?.code, 'order_not_found');
    // The depositor's name cannot change at all: no route edits an account's name.
    assert.equal((await h.call('PATCH', '/me', { token: a!.token,
      body: { name: 'Someone Else' } })).status, 405);
  });

  it('a refused registration, order or purchase leaves no signal', async () => {
    const count = async () => {
      await h.ld.app.scalpers.flush();
      return (await h.ld.app.deps.store.signalsOfScope('launch:yu7-2025', 10_000)).length
        + (await h.ld.app.deps.store.signalsOfScope('drop:jacket', 10_000)).length
        + (await h.ld.app.deps.store.registrationSignals(
          [...ring, ...strangers].map((b) => b.accountId))).length;
    };
    const before = await count();
    const id = syntheticIdentity(100);
    assert.equal((await h.call('POST', '/accounts', { body: { phone: '13911112222',
      name: 'Again', id_number: id.idNumber }, headers: { 'x-device-id': RING_DEVICE } }))
      .body.error?.code, 'id_number_taken');
    assert.equal((await h.call('POST', '/orders', { token: ring[2]!.token,
      body: { ...YU7_MAX, trim: 'turbo' }, headers: { 'idempotency-key': 'bad-trim',
        'x-device-id': RING_DEVICE } })).status, 422);
    assert.equal((await h.call('POST', '/drops/jacket/purchases', { token: ring[2]!.token,
      body: { variant: 'xxl' }, headers: { 'idempotency-key': 'bad-size',
        'x-device-id': RING_DEVICE } })).body.error?.code, 'unknown_variant');
    assert.equal(await count(), before);
  });

  it('one identity number is one account, so the per-account limit is per identity', async () => {
    const id = syntheticIdentity(100);
    const r = await h.call('POST', '/accounts', { body: { phone: '13912345678',
      name: 'Second', id_number: id.idNumber } });
    assert.equal(r.body.error?.code, 'id_number_taken');
  });
});

describe('a scheduled order in a flagged cluster', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  it('is refused as already locked (it has its car), not reported as cancelled', async () => {
    const b = await h.buyer(901);
    const o = await h.order(b.token, 'k901', { launch_id: 'su7-2024', trim: 'standard',
      options: [], city: 'beijing' });
    await h.call('POST', `/orders/${o.body.order_id}/lock`, { token: b.token,
      body: { confirm: true } });
    const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
      launch_id: 'su7-2024', built_on: '2025-08-01', reason: 'run', cars: [{
        vin: withCheckCharacter('LXMSU7AB0R0000901'), trim: 'standard', options: [] }] } });
    assert.equal(run.body.allocated[0]?.order_id, o.body.order_id, JSON.stringify(run.body));
    const r = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN, body: {
      launch_id: 'su7-2024', order_ids: [o.body.order_id], reason: 'ring' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual([r.body.cancelled, r.body.refused], [0, 1]);
    assert.equal(r.body.results[0].outcome, 'order_already_locked');
    const kept = await h.call('GET', `/orders/${o.body.order_id}`, { token: b.token });
    assert.equal(kept.body.status, 'scheduled');
  });
});
