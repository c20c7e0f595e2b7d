// The order lifecycle as a table: one command per row, the expected status and code beside it,
// time moved only by tick. Rows run in order against one launchday.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, YU7_MAX } from './harness.js';
const order = (who, key, body = YU7_MAX) => (w) => w.h.order(w.tokens[who], key, body);
const act = (who, ord, action, body = {}) => (w) => w.h.call('POST', `/orders/${w.orders[ord]}/${action}`, { token: w.tokens[who], body });
const view = (who, ord) => (w) => w.h.call('GET', `/orders/${w.orders[ord]}`, { token: w.tokens[who] });
const tick = (seconds) => (w) => w.h.tick(seconds);
const HOUR = 3600;
const rows = [
    { name: 'an order before the opening is refused', run: order('alice', 'a1'),
        status: 409, code: 'sales_not_open' },
    { name: 'the opening minute arrives', run: tick(60), status: 200 },
    { name: 'alice pays the deposit: firm, held', run: order('alice', 'a1'), status: 201,
        save: 'a1', check: (b) => {
            assert.equal(b.status, 'firm');
            assert.deepEqual(b.deposit, { amount_fen: 500_000, state: 'held' });
            assert.equal(b.price_fen, 32_990_000);
            assert.deepEqual(b.options, ['colour-pearl-white', 'wheels-19']);
            assert.equal(b.estimate.basis, 'if_locked_now');
            assert.deepEqual(b.actions, ['change', 'lock', 'cancel']);
            assert.equal(b.cooling_off_ends_at, '2025-07-03T14:00:00.000Z');
        } },
    { name: 'a retry with the same key returns the same order', run: order('alice', 'a1'),
        status: 200, check: (b, w) => assert.equal(b.order_id, w.orders.a1) },
    { name: 'a retry that spells out the defaults the order took is the same order',
        run: order('alice', 'a1', { ...YU7_MAX, options: ['wheels-19', 'colour-pearl-white'] }),
        status: 200, check: (b, w) => assert.equal(b.order_id, w.orders.a1) },
    { name: 'the same key with another body is refused',
        run: order('alice', 'a1', { ...YU7_MAX, trim: 'pro' }), status: 409,
        code: 'idempotency_key_reused' },
    { name: 'alice orders a second car', run: order('alice', 'a2', { ...YU7_MAX, trim: 'pro' }),
        status: 201, save: 'a2' },
    { name: 'a third is beyond the per-account limit', run: order('alice', 'a3'), status: 409,
        code: 'per_account_limit_reached' },
    { name: 'a lock without confirmation explains itself', run: act('alice', 'a1', 'lock'),
        status: 409, code: 'lock_needs_confirmation',
        check: (b) => assert.match(b.error.message, /no longer refundable/) },
    { name: 'alice locks a1: place 1 in its queue',
        run: act('alice', 'a1', 'lock', { confirm: true }),
        status: 200, check: (b) => {
            assert.equal(b.status, 'locked');
            assert.deepEqual(b.queue, { queue_key: 'yu7-2025/max/beijing', place: 1,
                locked_ahead_in_trim: 0, position_in_trim: 1 });
            assert.equal(b.estimate.basis, 'locked');
            assert.deepEqual(b.actions, ['cancel_with_forfeit']);
        } },
    { name: 'locking twice is refused', run: act('alice', 'a1', 'lock', { confirm: true }),
        status: 409, code: 'order_already_locked' },
    { name: 'bob orders the same configuration', run: order('bob', 'b1'), status: 201, save: 'b1' },
    { name: 'bob cannot see alice\'s order', run: view('bob', 'a1'), status: 404,
        code: 'order_not_found' },
    { name: 'bob cannot lock alice\'s order', run: act('bob', 'a1', 'lock', { confirm: true }),
        status: 404, code: 'order_not_found' },
    { name: 'bob locks: place 2, one locked ahead', run: act('bob', 'b1', 'lock', { confirm: true }),
        status: 200, check: (b) => {
            assert.equal(b.queue.place, 2);
            assert.equal(b.queue.locked_ahead_in_trim, 1);
        } },
    { name: 'a locked order cannot change without a window',
        run: act('alice', 'a1', 'change', { trim: 'pro' }), status: 409, code: 'change_window_closed' },
    { name: 'a firm order changes freely', run: act('alice', 'a2', 'change', { city: 'shanghai',
            options: ['colour-titanium'] }), status: 200, check: (b) => {
            assert.equal(b.city, 'shanghai');
            assert.equal(b.price_fen, 27_990_000 + 800_000);
            assert.deepEqual(b.history.map((e) => e.type), ['placed', 'changed']);
        } },
    { name: 'a change to an unknown city is refused', run: act('alice', 'a2', 'change', { city: 'atlantis' }), status: 422, code: 'unknown_city' },
    { name: 'a locked order needs the forfeit accepted', run: act('alice', 'a1', 'cancel'),
        status: 409, code: 'forfeit_not_accepted' },
    { name: 'a firm order cancels with a refund', run: act('alice', 'a2', 'cancel'), status: 200,
        check: (b) => assert.deepEqual([b.status, b.deposit.state], ['cancelled', 'refunded']) },
    { name: 'a cancelled order stays cancelled', run: act('alice', 'a2', 'cancel'), status: 409,
        code: 'order_cancelled' },
    { name: 'the cancelled order frees a place under the limit', run: order('alice', 'a3'),
        status: 201, save: 'a3' },
    { name: 'bob cancels his locked order and forfeits',
        run: act('bob', 'b1', 'cancel', { accept_forfeit: true }), status: 200,
        check: (b) => assert.deepEqual([b.status, b.deposit.state], ['cancelled', 'forfeited']) },
    { name: 'a week later less a minute a3 is still firm', run: tick(168 * HOUR - 61), status: 200 },
    { name: 'a3 is firm', run: view('alice', 'a3'), status: 200,
        check: (b) => assert.equal(b.status, 'firm') },
    { name: 'the cooling-off ends', run: tick(2 * 60), status: 200,
        check: (b) => assert.equal(b.auto_locked, 1) },
    { name: 'a3 locked by itself at the end of its cooling-off', run: view('alice', 'a3'),
        status: 200, check: (b) => {
            assert.equal(b.status, 'locked');
            assert.equal(b.locked_at, b.cooling_off_ends_at);
            assert.equal(b.queue.place, 3);
            // Bob's forfeited place no longer counts ahead; alice's a1 still does.
            assert.equal(b.queue.locked_ahead_in_trim, 1);
        } },
    { name: 'stats add up', run: (w) => w.h.call('GET', '/launches/yu7-2025/stats'), status: 200,
        check: (b) => {
            assert.deepEqual(b.orders, { firm: 0, locked: 2, cancelled: 2, total: 4 });
            assert.deepEqual(b.deposits_fen, { received: 2_000_000, held: 1_000_000,
                refunded: 500_000, forfeited: 500_000, applied: 0 });
            assert.equal(b.potential_revenue_fen, 2 * 32_990_000);
        } },
];
describe('order lifecycle, one command per row', () => {
    const w = { tokens: {}, orders: {} };
    before(async () => {
        w.h = await harness();
        w.tokens.alice = (await w.h.buyer(1)).token;
        w.tokens.bob = (await w.h.buyer(2)).token;
    });
    after(() => w.h.close());
    for (const row of rows) {
        it(row.name, async () => {
            const r = await row.run(w);
            assert.equal(r.status, row.status, JSON.stringify(r.body));
            if (row.code)
                assert.equal(r.body.error.code, row.code);
            row.check?.(r.body, w);
            if (row.save)
                w.orders[row.save] = r.body.order_id;
        });
    }
});
describe('model switch through a change window', () => {
    it('moves a locked SU7 order to YU7 with its deposit, once, re-queued', async () => {
        const h = await harness();
        try {
            const { token } = await h.buyer(7);
            const su7 = await h.order(token, 's1', { launch_id: 'su7-2024', trim: 'max',
                options: ['colour-lava-orange'], city: 'wuhan' });
            assert.equal(su7.status, 201);
            const id = su7.body.order_id;
            await h.call('POST', `/orders/${id}/lock`, { token, body: { confirm: true } });
            const switchTo = { launch_id: 'yu7-2025', trim: 'pro' };
            const early = await h.call('POST', `/orders/${id}/change`, { token, body: switchTo });
            assert.equal(early.body.error.code, 'change_window_closed');
            const win = await h.call('POST', '/admin/change-windows', { token: ADMIN, body: {
                    from_launch_id: 'su7-2024', to_launch_id: 'yu7-2025', opens_at: '2025-06-26T14:00:00Z',
                    closes_at: '2025-06-29T16:00:00Z', allows: ['model', 'trim', 'colour', 'wheels']
                } });
            assert.equal(win.status, 201, JSON.stringify(win.body));
            assert.equal(win.body.state, 'scheduled');
            await h.tick(60);
            const viewBefore = await h.call('GET', `/orders/${id}`, { token });
            assert.ok(viewBefore.body.actions.includes('switch_model'));
            const cityChange = await h.call('POST', `/orders/${id}/change`, { token,
                body: { ...switchTo, city: 'beijing' } });
            assert.equal(cityChange.body.error.code, 'change_not_allowed');
            const moved = await h.call('POST', `/orders/${id}/change`, { token, body: switchTo });
            assert.equal(moved.status, 200, JSON.stringify(moved.body));
            assert.equal(moved.body.launch_id, 'yu7-2025');
            assert.equal(moved.body.model_id, 'yu7');
            assert.deepEqual(moved.body.deposit, { amount_fen: 500_000, state: 'held' });
            // Lava Orange exists on YU7 too and is kept; the SU7 wheels are replaced by the default.
            assert.deepEqual(moved.body.options, ['colour-lava-orange', 'wheels-19']);
            assert.equal(moved.body.queue.queue_key, 'yu7-2025/pro/wuhan');
            assert.equal(moved.body.queue.place, 1);
            const again = await h.call('POST', `/orders/${id}/change`, { token, body: { trim: 'max' } });
            assert.equal(again.body.error.code, 'change_window_closed');
            const su7Stats = (await h.call('GET', '/launches/su7-2024/stats')).body;
            const yu7Stats = (await h.call('GET', '/launches/yu7-2025/stats')).body;
            assert.equal(su7Stats.orders.total, 0);
            assert.equal(su7Stats.deposits_fen.received, 0);
            assert.deepEqual(yu7Stats.orders, { firm: 0, locked: 1, cancelled: 0, total: 1 });
            assert.equal(yu7Stats.deposits_fen.held, 500_000);
        }
        finally {
            await h.close();
        }
    });
});
describe('the seeded model-switch window (26-29 June 2025)', () => {
    it('carries a locked SU7 Ultra order and its 20,000 yuan deposit to YU7, then closes', async () => {
        const h = await harness();
        try {
            const { token } = await h.buyer(8);
            const ultra = await h.order(token, 'u1', { launch_id: 'su7-ultra-2025', trim: 'ultra',
                options: [], city: 'shanghai' });
            const id = ultra.body.order_id;
            await h.call('POST', `/orders/${id}/lock`, { token, body: { confirm: true } });
            await h.tick(60); // 22:00 in Beijing: the window opens
            const moved = await h.call('POST', `/orders/${id}/change`, { token,
                body: { launch_id: 'yu7-2025', trim: 'max' } });
            assert.equal(moved.status, 200, JSON.stringify(moved.body));
            assert.deepEqual([moved.body.model_id, moved.body.trim], ['yu7', 'max']);
            assert.deepEqual(moved.body.deposit, { amount_fen: 2_000_000, state: 'held' });
            // Another buyer's Ultra, locked too, tries after 24:00 on 29 June: too late.
            const late = await h.buyer(9);
            const other = await h.order(late.token, 'u2', { launch_id: 'su7-ultra-2025',
                trim: 'ultra', options: [], city: 'shanghai' });
            await h.call('POST', `/orders/${other.body.order_id}/lock`, { token: late.token,
                body: { confirm: true } });
            await h.tick(3 * 86_400 + 2 * 3600);
            const refused = await h.call('POST', `/orders/${other.body.order_id}/change`, { token: late.token, body: { launch_id: 'yu7-2025', trim: 'max' } });
            assert.equal(refused.body.error?.code, 'change_window_closed');
        }
        finally {
            await h.close();
        }
    });
});
//# sourceMappingURL=lifecycle.test.js.map