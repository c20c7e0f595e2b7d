// After a write commits, reads served by the same process reflect it: "if you lock now" moves
// with the lock that was just answered, not a quarter second later. New firm orders, which move
// no locked count, do not read the counters from the store again (the order hot path).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { harness, YU7_MAX } from './harness.js';
const YU7_PRO = { ...YU7_MAX, trim: 'pro' };
describe('the estimate after a write', () => {
    let h;
    let token = '';
    let storeReads = 0;
    before(async () => {
        h = await harness();
        await h.tick(60);
        token = (await h.buyer(1)).token;
        const store = h.ld.app.deps.store;
        const read = store.counters.bind(store);
        store.counters = (launchId) => { storeReads++; return read(launchId); };
    });
    after(() => h.close());
    const estimate = async () => {
        const r = await h.call('GET', '/launches/yu7-2025/estimate?trim=pro');
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body;
    };
    it('moves at once with a lock, and says as of when', async () => {
        const placed = await h.order(token, 'p1', YU7_PRO);
        assert.equal((await estimate()).locked_ahead, 0);
        const locked = await h.call('POST', `/orders/${placed.body.order_id}/lock`, { token, body: { confirm: true } });
        assert.equal(locked.body.status, 'locked');
        const after = await estimate();
        assert.equal(after.locked_ahead, 1);
        assert.equal(after.as_of, '2025-06-26T14:00:00.000Z'); // the simulated clock's now
        const forfeit = await h.call('POST', `/orders/${placed.body.order_id}/cancel`, { token, body: { accept_forfeit: true } });
        assert.equal(forfeit.body.status, 'cancelled');
        assert.equal((await estimate()).locked_ahead, 0);
    });
    it("shows a new firm order the locks committed before it, in its own reply", async () => {
        const first = await h.order(token, 'p2', YU7_PRO);
        await h.call('POST', `/orders/${first.body.order_id}/lock`, { token, body: { confirm: true } });
        const { token: other } = await h.buyer(2);
        // Capacity of one car a week makes every locked order ahead a week more.
        const before = (await h.order(other, 'q1', YU7_PRO)).body.estimate;
        const estimateNow = await estimate();
        assert.equal(estimateNow.locked_ahead, 1);
        assert.deepEqual([before.weeks_min, before.weeks_max], [estimateNow.estimate.weeks_min, estimateNow.estimate.weeks_max]);
    });
    it('reads no counters from the store for new firm orders (SQLite: no age limit)', async () => {
        await estimate();
        const readsBefore = storeReads;
        for (let i = 0; i < 5; i++) {
            const { token: t } = await h.buyer(10 + i);
            const r = await h.order(t, `n${i}`, YU7_PRO);
            assert.equal(r.status, 201);
            assert.equal(r.body.estimate.basis, 'if_locked_now');
        }
        assert.equal(storeReads - readsBefore, 0);
    });
});
//# sourceMappingURL=estimate-freshness.test.js.map