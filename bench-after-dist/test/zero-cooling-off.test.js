// A reply describes the order as it stands at the reply's time. A launch without cooling-off
// locks its orders as they are placed (queue place, production sequence, lock event, counters in
// the same batch); an order whose cooling-off ends is shown locked by every reply, the
// operator's included, even before a sweep has written the lock.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, YU7_MAX } from './harness.js';
const HOUR = 3600;
describe('a launch with no cooling-off', () => {
    let h;
    let token = '';
    let orderId = '';
    before(async () => {
        h = await harness();
        await h.tick(60); // the YU7 opening
        const patched = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN, body: { cooling_off_hours: 0 } });
        assert.equal(patched.status, 200, JSON.stringify(patched.body));
        token = (await h.buyer(1)).token;
    });
    after(() => h.close());
    it('answers the order locked, with its queue place and only the locked actions', async () => {
        const r = await h.order(token, 'z1', YU7_MAX);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        orderId = r.body.order_id;
        assert.equal(r.body.status, 'locked');
        assert.deepEqual(r.body.actions, ['cancel_with_forfeit']);
        assert.equal(r.body.locked_at, r.body.created_at);
        assert.equal(r.body.cooling_off_ends_at, r.body.created_at);
        assert.deepEqual(r.body.queue, { queue_key: 'yu7-2025/max/beijing', place: 1,
            locked_ahead_in_trim: 0, position_in_trim: 1 });
        assert.equal(r.body.estimate.basis, 'locked');
        assert.deepEqual(r.body.history.map((e) => e.type), ['placed_and_locked']);
        assert.deepEqual(r.body.deposit, { amount_fen: 500_000, state: 'held' });
    });
    it('reads back exactly as it was answered', async () => {
        const r = await h.call('GET', `/orders/${orderId}`, { token });
        assert.equal(r.body.status, 'locked');
        assert.deepEqual(r.body.queue.place, 1);
        assert.deepEqual(r.body.history.map((e) => e.type), ['placed_and_locked']);
    });
    it('refuses the plain cancel it never offered, and takes the forfeit', async () => {
        const plain = await h.call('POST', `/orders/${orderId}/cancel`, { token, body: {} });
        assert.equal(plain.status, 409);
        assert.equal(plain.body.error.code, 'forfeit_not_accepted');
        const forfeit = await h.call('POST', `/orders/${orderId}/cancel`, { token, body: { accept_forfeit: true } });
        assert.equal(forfeit.status, 200);
        assert.deepEqual(forfeit.body.deposit, { amount_fen: 500_000, state: 'forfeited' });
    });
    it('counts the orders as locked, never firm, and queues the next one after', async () => {
        const next = await h.order(token, 'z2', YU7_MAX);
        assert.equal(next.body.status, 'locked');
        assert.equal(next.body.queue.place, 2);
        const stats = (await h.call('GET', '/launches/yu7-2025/stats')).body;
        assert.deepEqual(stats.orders, { firm: 0, locked: 1, cancelled: 1, total: 2 });
        assert.deepEqual(stats.by_trim.max, { firm: 0, locked: 1, cancelled: 1 });
    });
});
describe('an order whose cooling-off ends in the same instant as a read', () => {
    let h;
    let token = '';
    let orderId = '';
    before(async () => {
        h = await harness();
        await h.tick(60);
        token = (await h.buyer(1)).token;
        orderId = (await h.order(token, 'c1', YU7_MAX)).body.order_id;
        await h.tick(168 * HOUR); // exactly the end of the cooling-off
    });
    after(() => h.close());
    it('is shown locked to the operator, with the locked actions', async () => {
        const r = await h.call('GET', `/admin/orders?order_id=${orderId}`, { token: ADMIN });
        assert.equal(r.status, 200);
        const [o] = r.body.orders;
        assert.equal(o.status, 'locked');
        assert.deepEqual(o.actions, ['cancel_with_forfeit']);
        assert.equal(o.locked_at, '2025-07-03T14:00:00.000Z');
        assert.equal(o.queue.place, 1);
    });
});
describe("an operator's launch listing at the end of a cooling-off", () => {
    let h;
    before(async () => {
        h = await harness();
        await h.tick(60);
        const { token } = await h.buyer(1);
        await h.order(token, 'c1', YU7_MAX);
        await h.tick(168 * HOUR);
    });
    after(() => h.close());
    it('lists the order locked with its queue place', async () => {
        const r = await h.call('GET', '/admin/launches/yu7-2025/orders', { token: ADMIN });
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.orders.map((o) => [o.status, o.queue_place]), [['locked', 1]]);
    });
});
//# sourceMappingURL=zero-cooling-off.test.js.map