// A switch into a launch follows the launch's opening rule, as a new order does: a window the
// operator opens early does not let a locked SU7 order take YU7 queue place 1 before any buyer
// can order YU7; nor while the operator has shut YU7's sales by moving its opening ahead.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, YU7_MAX } from './harness.js';
const SU7_MAX = { launch_id: 'su7-2024', trim: 'max', options: [], city: 'beijing' };
describe('a model switch before the target launch opens', () => {
    let h;
    let token = '';
    let orderId = '';
    before(async () => {
        h = await harness(); // 13:59Z, a minute before YU7 opens; SU7 opened in 2024
        token = (await h.buyer(1)).token;
        orderId = (await h.order(token, 's1', SU7_MAX)).body.order_id;
        const locked = await h.call('POST', `/orders/${orderId}/lock`, { token, body: { confirm: true } });
        assert.equal(locked.body.status, 'locked');
        const w = await h.call('POST', '/admin/change-windows', { token: ADMIN, body: {
                from_launch_id: 'su7-2024', to_launch_id: 'yu7-2025', opens_at: '2025-06-26T13:00:00Z',
                closes_at: '2025-06-30T00:00:00Z', allows: ['model', 'trim', 'colour', 'wheels', 'extras'],
            } });
        assert.equal(w.status, 201, JSON.stringify(w.body));
        assert.equal(w.body.state, 'open');
    });
    after(() => h.close());
    it('is not offered while YU7 has not opened', async () => {
        const r = await h.call('GET', `/orders/${orderId}`, { token });
        // The window also allows SU7's own trim and colours: that change stays on offer.
        assert.deepEqual(r.body.actions, ['change', 'cancel_with_forfeit']);
        assert.deepEqual(r.body.switch_to, []);
    });
    it('is refused with sales_not_open, and nothing changes', async () => {
        const r = await h.call('POST', `/orders/${orderId}/change`, { token, body: { launch_id: 'yu7-2025', trim: 'max' } });
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'sales_not_open');
        const back = await h.call('GET', `/orders/${orderId}`, { token });
        assert.equal(back.body.launch_id, 'su7-2024');
        const stats = (await h.call('GET', '/launches/yu7-2025/stats')).body;
        assert.equal(stats.orders.total, 0);
    });
    it('goes through once YU7 opens, behind nobody who ordered first', async () => {
        await h.tick(60);
        const offered = await h.call('GET', `/orders/${orderId}`, { token });
        assert.deepEqual(offered.body.switch_to, ['yu7-2025']);
        assert.ok(offered.body.actions.includes('switch_model'));
        const { token: other } = await h.buyer(2);
        const first = await h.order(other, 'y1', YU7_MAX);
        await h.call('POST', `/orders/${first.body.order_id}/lock`, { token: other, body: { confirm: true } });
        const r = await h.call('POST', `/orders/${orderId}/change`, { token, body: { launch_id: 'yu7-2025', trim: 'max' } });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.launch_id, 'yu7-2025');
        assert.equal(r.body.queue.place, 2);
    });
    it('is refused again while the operator has shut YU7 by moving its opening ahead', async () => {
        const { token: t3 } = await h.buyer(3);
        const su7 = (await h.order(t3, 's3', SU7_MAX)).body.order_id;
        await h.call('POST', `/orders/${su7}/lock`, { token: t3, body: { confirm: true } });
        const moved = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN, body: { opens_at: '2025-06-26T15:00:00Z' } });
        assert.equal(moved.status, 200);
        const r = await h.call('POST', `/orders/${su7}/change`, { token: t3, body: { launch_id: 'yu7-2025', trim: 'max' } });
        assert.equal(r.status, 409, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'sales_not_open');
    });
});
//# sourceMappingURL=switch-opening.test.js.map