// Notifications over HTTP: a lock and an operator's cancel queue their messages with the order
// change, the buyer reads their order's messages (nobody else does), in the language they
// chose, the operator reads the outbox by state and each message's history; the worker
// delivers them through the sandbox.
import { strict as assert } from 'node:assert';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { PERFECT_SANDBOX, SandboxMessageProvider } from '../src/notifications/index.js';
import { ADMIN, harness, YU7_MAX } from './harness.js';
describe('notifications over HTTP', () => {
    let h;
    const sandbox = new SandboxMessageProvider(PERFECT_SANDBOX);
    let alice;
    let bob;
    let aliceOrder;
    let bobOrder;
    /** Runs the worker until nothing is due, and lets the sandbox's reports arrive. */
    const deliver = async () => {
        await h.ld.app.notifications.deliverAll();
        await sleep(20);
        await h.ld.app.notifications.drain();
    };
    before(async () => {
        h = await harness({}, undefined, undefined, sandbox);
        await h.tick(120); // YU7 sales are open.
        alice = await h.buyer(1);
        bob = await h.buyer(2);
        aliceOrder = (await h.order(alice.token, 'a1', YU7_MAX)).body.order_id;
        bobOrder = (await h.order(bob.token, 'b1', YU7_MAX)).body.order_id;
    });
    after(async () => {
        await h.close();
        sandbox.close();
    });
    it('placing an order sends nothing; a refused lock queues nothing', async () => {
        const none = await h.call('GET', `/orders/${aliceOrder}/messages`, { token: alice.token });
        assert.equal(none.status, 200);
        assert.deepEqual(none.body, { order_id: aliceOrder, messages: [] });
        const refused = await h.call('POST', `/orders/${aliceOrder}/lock`, { token: alice.token,
            body: { confirm: false } });
        assert.equal(refused.status, 409);
        assert.deepEqual((await h.call('GET', `/orders/${aliceOrder}/messages`, { token: alice.token })).body.messages, []);
    });
    it('a lock queues one message, in Chinese, which the worker delivers', async () => {
        const locked = await h.call('POST', `/orders/${aliceOrder}/lock`, { token: alice.token,
            body: { confirm: true } });
        assert.equal(locked.status, 200);
        const queued = await h.call('GET', `/orders/${aliceOrder}/messages`, { token: alice.token });
        assert.equal(queued.body.messages.length, 1);
        const m = queued.body.messages[0];
        assert.equal(m.kind, 'order_locked');
        assert.equal(m.language, 'zh');
        assert.equal(m.text, `【launchday】您的订单 ${aliceOrder} 已锁单，排产序号 `
            + `${locked.body.queue.place}。`);
        await deliver();
        const done = await h.call('GET', `/orders/${aliceOrder}/messages`, { token: alice.token });
        assert.equal(done.body.messages[0].state, 'delivered');
        assert.ok(done.body.messages[0].delivered_at);
        assert.equal(sandbox.recent()[0].to, alice.phone);
        assert.equal(sandbox.recent()[0].text, m.text);
    });
    it('only the order\'s buyer reads its messages', async () => {
        const other = await h.call('GET', `/orders/${aliceOrder}/messages`, { token: bob.token });
        assert.deepEqual([other.status, other.body.error.code], [404, 'order_not_found']);
        const anonymous = await h.call('GET', `/orders/${aliceOrder}/messages`);
        assert.equal(anonymous.status, 401);
        const bad = await h.call('GET', `/orders/${aliceOrder}/messages?limit=0`, { token: alice.token });
        assert.deepEqual([bad.status, bad.body.error.code], [422, 'invalid_request']);
    });
    it('an operator\'s cancel tells the buyer why, in the language they chose', async () => {
        const wrong = await h.call('PUT', '/notifications/language', { token: bob.token,
            body: { language: 'fr' } });
        assert.deepEqual([wrong.status, wrong.body.error.code], [422, 'invalid_request']);
        const chose = await h.call('PUT', '/notifications/language', { token: bob.token,
            body: { language: 'en' } });
        assert.deepEqual([chose.status, chose.body], [200, { language: 'en' }]);
        const cancelled = await h.call('POST', `/admin/orders/${bobOrder}/cancel`, { token: ADMIN,
            body: { reason: 'the identity was used for another order' } });
        assert.equal(cancelled.status, 200);
        const history = await h.call('GET', `/orders/${bobOrder}`, { token: bob.token });
        assert.ok(JSON.stringify(history.body).includes('the identity was used for another order'));
        const msgs = (await h.call('GET', `/orders/${bobOrder}/messages`, { token: bob.token }))
            .body.messages;
        assert.equal(msgs.length, 1);
        assert.equal(msgs[0].text, `launchday: Your order ${bobOrder} was cancelled. Reason: the `
            + 'identity was used for another order. Your deposit will be refunded.');
        // A buyer's own cancel is not texted: they pressed the button.
        const carol = await h.buyer(3);
        const own = (await h.order(carol.token, 'c1', YU7_MAX)).body.order_id;
        await h.call('POST', `/orders/${own}/cancel`, { token: carol.token, body: {} });
        assert.deepEqual((await h.call('GET', `/orders/${own}/messages`, { token: carol.token }))
            .body.messages, []);
    });
    it('the cooling-off ending locks an order, and that lock is told too', async () => {
        const dave = await h.buyer(4);
        const order = (await h.order(dave.token, 'd1', YU7_MAX)).body.order_id;
        await h.tick(7 * 24 * 3600 + 1);
        await h.ld.app.orders.autoLockDue();
        const msgs = (await h.call('GET', `/orders/${order}/messages`, { token: dave.token }))
            .body.messages;
        assert.deepEqual(msgs.map((m) => m.kind), ['order_locked']);
    });
    it('the operator reads the outbox by state, and each message\'s history', async () => {
        await deliver();
        const all = await h.call('GET', '/admin/notifications', { token: ADMIN });
        assert.equal(all.status, 200);
        assert.equal(all.body.provider, 'sandbox');
        assert.deepEqual(all.body.counts, { queued: 0, sending: 0, sent: 0, delivered: 3,
            failed: 0 });
        assert.equal(all.body.notifications.length, 3);
        const delivered = await h.call('GET', '/admin/notifications?state=delivered&limit=1', { token: ADMIN });
        assert.equal(delivered.body.notifications.length, 1);
        const newest = delivered.body.notifications[0];
        assert.equal(newest.state, 'delivered');
        assert.equal(newest.account_id !== undefined && newest.key.startsWith('order_'), true);
        const none = await h.call('GET', '/admin/notifications?state=queued', { token: ADMIN });
        assert.deepEqual(none.body.notifications, []);
        const bad = await h.call('GET', '/admin/notifications?state=lost', { token: ADMIN });
        assert.deepEqual([bad.status, bad.body.error.code], [422, 'invalid_request']);
        const one = await h.call('GET', `/admin/notifications/${newest.message_id}`, { token: ADMIN });
        assert.equal(one.status, 200);
        assert.deepEqual(one.body.history.map((a) => a.outcome), ['accepted', 'delivered']);
        const missing = await h.call('GET', '/admin/notifications/ntf_nothing', { token: ADMIN });
        assert.deepEqual([missing.status, missing.body.error.code], [404, 'notification_not_found']);
        const buyer = await h.call('GET', '/admin/notifications', { token: alice.token });
        assert.equal(buyer.status, 403);
    });
});
//# sourceMappingURL=notifications-routes.test.js.map