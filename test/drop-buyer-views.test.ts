// What a buyer is told before and after buying from a drop (issue #17, new-user review): the
// waiting room in front of a drop or a launch in their public figures, before the opening (it
// was found only after a refused Buy); a waitlist offer declined going to the next in line at
// once; and a buyer's drop purchases across drops, for My orders.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import * as Drops from '../src/drops/drop-schemas.js';
import * as Launches from '../src/launches/launch-schemas.js';
import type { RouteContract } from '../src/kernel/http/schema.js';
import { JACKET_OPENS as OPENS, jacketDrop } from './drop-fixtures.js';
import { ADMIN, assertDeclared, BEFORE_YU7, harness, type Harness } from './harness.js';

const PREQUEUE = new Date(Date.parse(BEFORE_YU7) - 10 * 60_000).toISOString();
const room = (scope: string, targetId: string, overrides: object = {}) => ({ scope,
  target_id: targetId, enabled: true, opens_at: OPENS, prequeue_at: PREQUEUE,
  admit_per_minute: 60, active_max: 3, pass_seconds: 120, grace_seconds: 60, ...overrides });

describe('what buyers are told of a drop and of what they bought', () => {
  let h: Harness;
  const declared = (contract: RouteContract, r: { status: number; body: unknown }) =>
    assertDeclared(h, contract, r);

  before(async () => {
    h = await harness();
    for (const [id, body] of [['jacket', jacketDrop({ s: 1, m: 5 })],
      ['car', jacketDrop({ max: 3 }, { kind: 'car', name: 'SU7 Founder\'s Edition',
        price_fen: 29_990_000, deposit_fen: 2_000_000, per_account_limit: 1,
        per_identity_limit: 1 })]] as const) {
      const put = await h.call('PUT', `/admin/drops/${id}`, { token: ADMIN, body });
      assert.equal(put.status, 201, JSON.stringify(put.body));
    }
  });
  after(async () => h.close());

  it('a drop and a launch say which waiting room stands in front of them, and how', async () => {
    const drop = () => h.call('GET', '/drops/jacket');
    const launch = () => h.call('GET', '/launches/yu7-2025');
    assert.equal((await drop()).body.waiting_room, null);
    assert.equal((await launch()).body.waiting_room, null);
    for (const [id, scope, target] of [['jacket-line', 'drop', 'jacket'],
      ['yu7-line', 'launch', 'yu7-2025']] as const) {
      const put = await h.call('PUT', `/admin/waiting-rooms/${id}`,
        { token: ADMIN, body: room(scope, target) });
      assert.equal(put.status, 201, JSON.stringify(put.body));
    }
    const d = await drop();
    declared(Drops.drop, d);
    assert.deepEqual(d.body.waiting_room, { id: 'jacket-line', prequeue_opens_at: PREQUEUE,
      opens_at: OPENS, shuffle: true, suspended: false, url: '/waiting-room?room=jacket-line' });
    const list = await h.call('GET', '/drops');
    declared(Drops.drops, list);
    assert.equal(list.body.drops.find((x: any) => x.drop_id === 'jacket').waiting_room.id,
      'jacket-line');
    assert.equal(list.body.drops.find((x: any) => x.drop_id === 'car').waiting_room, null);
    // A launch's reply is prepared once per change: the room is part of what it is built from.
    const l = await launch();
    declared(Launches.launch, l);
    assert.equal(l.body.waiting_room?.url, '/waiting-room?room=yu7-line');
    assert.equal((await h.call('GET', '/launches')).body.launches
      .find((x: any) => x.launch_id === 'yu7-2025').waiting_room?.id, 'yu7-line');
    // Suspended: still there, and said to be paused; switched off: none to tell of.
    await h.call('PUT', '/admin/waiting-rooms/yu7-line', { token: ADMIN,
      body: room('launch', 'yu7-2025', { suspended: true, order: 'fifo' }) });
    await h.call('PUT', '/admin/waiting-rooms/jacket-line', { token: ADMIN,
      body: room('drop', 'jacket', { enabled: false }) });
    const suspended = (await launch()).body.waiting_room;
    assert.equal(suspended?.suspended, true);
    assert.equal(suspended?.shuffle, false);
    assert.equal((await drop()).body.waiting_room, null);
  });

  it('a declined offer goes to the next in line at once, not after its deadline', async () => {
    const put = await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
      body: jacketDrop({ one: 1 }, { per_account_limit: 1, per_identity_limit: 1 }) });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const [x, y, z] = [await h.buyer(41), await h.buyer(42), await h.buyer(43)];
    await h.tick(61);
    // x holds the only unit without paying (a hold alone); y, then z, wait for it.
    const held = await h.ld.app.drops.hold((await h.ld.app.deps.store.accountById(x.accountId))!,
      'tee', { variant: 'one', quantity: 1 }, 'x-hold');
    assert.ok(held.ok);
    for (const b of [y, z]) {
      const joined = await h.call('POST', '/drops/tee/waitlist', { token: b.token,
        body: { variant: 'one' } });
      assert.equal(joined.status, 201, JSON.stringify(joined.body));
    }
    await h.tick(h.ld.app.deps.limits.dropHoldSeconds);
    await h.ld.app.drops.sweep();
    const place = async (token: string) => (await h.call('GET', '/drops/tee/mine', { token }))
      .body.waitlist[0];
    const offerY = await place(y.token);
    assert.equal(offerY.status, 'offered');
    const declined = await h.call('POST', `/drops/tee/holds/${offerY.offer_hold_id}/cancel`,
      { token: y.token });
    assert.equal(declined.status, 200, JSON.stringify(declined.body));
    assert.equal(declined.body.hold.status, 'cancelled');
    // No sweep, no time: z is offered the unit by the decline itself.
    assert.equal((await place(z.token)).status, 'offered');
    assert.equal((await place(y.token)).status, 'lapsed', 'a declined offer ends the place');
  });

  it('a buyer\'s drop purchases across drops, held and paid, a page at a time', async () => {
    const b = await h.buyer(44);
    const mine = (q = '') => h.call('GET', `/drop-purchases${q}`, { token: b.token });
    assert.deepEqual((await mine()).body, { purchases: [], next_after: null });
    for (const [drop, variant] of [['jacket', 'm'], ['car', 'max']]) {
      const r = await h.call('POST', `/drops/${drop}/purchases`, { token: b.token,
        body: { variant }, headers: { 'idempotency-key': `b-${drop}` } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const all = await mine();
    declared(Drops.myPurchases, all);
    const car = all.body.purchases.find((p: any) => p.drop.drop_id === 'car');
    assert.equal(car.hold.status, 'paid');
    assert.equal(car.hold.amount_fen, 2_000_000);
    assert.deepEqual([car.drop.kind, car.drop.price_fen, car.drop.deposit_fen, car.drop.name,
      car.variant.name], ['car', 29_990_000, 2_000_000, 'SU7 Founder\'s Edition', 'MAX']);
    assert.equal(all.body.purchases.length, 2);
    // Another buyer sees none of them; a page of one drop names where the next begins.
    assert.deepEqual((await h.call('GET', '/drop-purchases', { token: (await h.buyer(45)).token }))
      .body.purchases, []);
    const first = await mine('?limit=1');
    assert.equal(first.body.purchases.length, 1);
    assert.ok(first.body.next_after);
    const rest = await mine(`?limit=1&after=${first.body.next_after}`);
    assert.equal(rest.body.purchases.length, 1);
    assert.notEqual(rest.body.purchases[0].hold.hold_id, first.body.purchases[0].hold.hold_id);
    assert.equal((await mine('?limit=0')).status, 422);
    // The limits table's dropPurchasePageDropsMax (20) bounds a page: one read per drop.
    assert.equal((await mine('?limit=20')).status, 200);
    const over = await mine('?limit=21');
    assert.equal(over.status, 422, JSON.stringify(over.body));
    assert.match(over.body.error.message, /limit/);
    assert.equal((await h.call('GET', '/drop-purchases')).status, 401);
  });
});
