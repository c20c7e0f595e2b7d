import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Limiter, Timeline } from './timeline.js';
test('waiters wake in time order, however they were queued', async () => {
    // The opening a second ahead: every moment is still to come when its waiter is queued.
    const t = new Timeline(performance.now() + 1000, 3600);
    const woke = [];
    const at = [0.5, 0.1, 0.9, 0.3, 0.3, 0.7, 0.2];
    await Promise.all(at.map((s) => t.until(s).then(() => woke.push(s))));
    assert.deepEqual(woke, [...at].sort((a, b) => a - b));
    assert.equal(t.waiting, 0);
});
test('the limiter never runs more than its maximum, and serves first come first', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let peak = 0;
    const order = [];
    await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.run(async () => {
        active += 1;
        peak = Math.max(peak, active);
        order.push(i);
        await new Promise((r) => setImmediate(r));
        active -= 1;
    })));
    assert.equal(peak, 3);
    assert.deepEqual(order, Array.from({ length: 20 }, (_, i) => i));
    assert.equal(limiter.backlog, 0);
});
//# sourceMappingURL=timeline.test.js.map