// Notifications' part of the storage contract (kernel/store/store-contract.ts): the outbox
// written exactly once per key, in the buyer's language; claims of due messages (and, with two
// handles on one database, claims that never overlap); updates and attempts read back whole.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { barrier, storeTest, T0 } from '../kernel/store/store-contract.js';
import { claimed, renderMessage, } from './notification.js';
const policy = { attemptsMax: 5, generationsMax: 3, backoffBaseMs: 1_000,
    backoffMaxMs: 60_000, leaseMs: 30_000 };
const locked = (n, accountId = 'acc_1') => ({
    key: `order_locked:ord_${n}`, accountId, orderId: `ord_${n}`, kind: 'order_locked',
    params: { order_id: `ord_${n}`, queue_place: n }
});
export function notificationsStoreContract(name, open) {
    const test = storeTest(open);
    describe(`${name} store contract`, () => {
        describe('notifications', () => {
            test('a key is queued once, in the buyer\'s language, whatever repeats it', async (store) => {
                await store.transaction((tx) => tx.setNotificationLanguage('acc_2', 'en', T0));
                const first = await store.transaction((tx) => tx.enqueueNotifications([locked(1), locked(2, 'acc_2'), locked(1)], T0));
                assert.equal(first, 2);
                const again = await store.transaction(async (tx) => [
                    await tx.enqueueNotifications([locked(1), locked(3)], T0 + 5),
                    await tx.enqueueNotifications([], T0 + 5)
                ]);
                assert.deepEqual(again, [1, 0]);
                const [m1] = await store.notificationsOfOrder('ord_1', 10);
                assert.equal(m1.text, renderMessage('order_locked', locked(1).params, 'zh'));
                assert.deepEqual({ ...m1, notificationId: '' }, { notificationId: '',
                    key: 'order_locked:ord_1', accountId: 'acc_1', orderId: 'ord_1', kind: 'order_locked',
                    params: { order_id: 'ord_1', queue_place: 1 }, language: 'zh', channel: 'sms',
                    text: m1.text, state: 'queued', attempts: 0, generation: 1, dueAtMs: T0,
                    providerMessageId: null, lastError: null, createdAtMs: T0, updatedAtMs: T0,
                    sentAtMs: null, deliveredAtMs: null });
                assert.match(m1.notificationId, /^ntf_/);
                const [m2] = await store.notificationsOfOrder('ord_2', 10);
                assert.equal(m2.language, 'en');
                assert.ok(m2.text.startsWith('launchday: Your order ord_2 is locked'));
                assert.equal(await store.notificationLanguage('acc_2'), 'en');
                assert.equal(await store.notificationLanguage('acc_9'), 'zh');
                assert.deepEqual(await store.notificationCounts(), { queued: 3, sending: 0, sent: 0, delivered: 0, failed: 0 });
            });
            test('a queued draft rolls back with the transaction that wrote it', async (store) => {
                await assert.rejects(store.transaction(async (tx) => {
                    await tx.enqueueNotifications([locked(1)], T0);
                    throw new Error('the order change failed');
                }));
                assert.deepEqual(await store.notifications(null, 10), []);
                assert.equal(await store.transaction((tx) => tx.enqueueNotifications([locked(1)], T0)), 1);
            });
            test('due messages are the queued and due, and the sending whose lease is over', async (store) => {
                await store.transaction(async (tx) => {
                    await tx.enqueueNotifications([locked(1)], T0 + 30);
                    await tx.enqueueNotifications([locked(2)], T0 + 10);
                    await tx.enqueueNotifications([locked(3)], T0 + 20);
                    await tx.enqueueNotifications([locked(4)], T0 + 500);
                });
                assert.equal(await store.anyNotificationDue(T0 + 9), false);
                assert.equal(await store.anyNotificationDue(T0 + 10), true);
                const due = await store.transaction((tx) => tx.dueNotifications(T0 + 100, 10));
                assert.deepEqual(due.map((m) => m.orderId), ['ord_2', 'ord_3', 'ord_1']);
                assert.deepEqual((await store.transaction((tx) => tx.dueNotifications(T0 + 100, 2)))
                    .map((m) => m.orderId), ['ord_2', 'ord_3']);
                // Claimed at T0 + 100: leased until T0 + 100 + leaseMs; ord_3 delivered.
                const [c2, c3] = due.map((m) => claimed(m, T0 + 100, policy));
                const done = { ...c3, state: 'delivered', dueAtMs: null,
                    providerMessageId: 'sbx_1', sentAtMs: T0 + 150, deliveredAtMs: T0 + 160,
                    updatedAtMs: T0 + 160, lastError: 'an earlier try failed' };
                await store.transaction((tx) => tx.updateNotifications([c2, done]));
                assert.deepEqual(await store.notification(c2.notificationId), c2);
                assert.deepEqual(await store.notification(done.notificationId), done);
                assert.deepEqual((await store.transaction((tx) => tx.dueNotifications(T0 + 600, 10)))
                    .map((m) => m.orderId), ['ord_1', 'ord_4']);
                assert.deepEqual((await store.transaction((tx) => tx.dueNotifications(T0 + 100 + policy.leaseMs, 10))).map((m) => m.orderId), ['ord_1', 'ord_4', 'ord_2']);
                assert.deepEqual(await store.notifications('sending', 10), [c2]);
                assert.deepEqual((await store.notifications(null, 10)).map((m) => m.orderId), ['ord_4', 'ord_1', 'ord_3', 'ord_2']);
                assert.deepEqual(await store.notificationCounts(), { queued: 2, sending: 1, sent: 0, delivered: 1, failed: 0 });
                await store.transaction(async (tx) => tx.updateNotifications((await tx.dueNotifications(T0 + 600, 10)).map((m) => ({ ...m, state: 'failed',
                    dueAtMs: null }))));
                assert.equal(await store.anyNotificationDue(T0 + 100 + policy.leaseMs - 1), false);
                assert.equal(await store.anyNotificationDue(T0 + 100 + policy.leaseMs), true);
            });
            test('messages read for update, and attempts read back in order', async (store) => {
                await store.transaction((tx) => tx.enqueueNotifications([locked(1), locked(2)], T0));
                const all = await store.notifications(null, 10);
                const ids = all.map((m) => m.notificationId);
                const found = await store.transaction((tx) => tx.notificationsForUpdate([...ids, 'ntf_missing']));
                assert.deepEqual(found.map((m) => m.notificationId).sort(), [...ids].sort());
                assert.deepEqual(await store.transaction((tx) => tx.notificationsForUpdate([])), []);
                assert.equal(await store.notification('ntf_missing'), null);
                await store.transaction(async (tx) => {
                    await tx.recordDeliveryAttempts([
                        { notificationId: ids[0], atMs: T0 + 1, outcome: 'retry', detail: '503' },
                        { notificationId: ids[1], atMs: T0 + 1, outcome: 'accepted', detail: 'sbx_1' }
                    ]);
                    await tx.recordDeliveryAttempts([
                        { notificationId: ids[0], atMs: T0 + 2, outcome: 'accepted', detail: 'sbx_2' }
                    ]);
                    await tx.recordDeliveryAttempts([]);
                });
                assert.deepEqual(await store.deliveryAttempts(ids[0], 10), [
                    { notificationId: ids[0], atMs: T0 + 1, outcome: 'retry', detail: '503' },
                    { notificationId: ids[0], atMs: T0 + 2, outcome: 'accepted', detail: 'sbx_2' }
                ]);
                assert.equal((await store.deliveryAttempts(ids[0], 1)).length, 1);
            });
            test('two workers claiming at once never take the same message', async (store, opened) => {
                if (!opened.openPeer)
                    return; // One process owns an SQLite database: nothing races it.
                const peer = await opened.openPeer();
                try {
                    await store.transaction((tx) => tx.enqueueNotifications([1, 2, 3, 4, 5, 6].map((n) => locked(n)), T0));
                    const bothHold = barrier(2, 2_000);
                    const claim = (s) => s.transaction(async (tx) => {
                        const due = await tx.dueNotifications(T0, 4);
                        await tx.updateNotifications(due.map((m) => claimed(m, T0, policy)));
                        await bothHold();
                        return due.map((m) => m.orderId);
                    });
                    const [a, b] = await Promise.all([claim(store), claim(peer)]);
                    assert.equal(a.length + b.length, 6, `${a} / ${b}`);
                    assert.deepEqual(new Set([...a, ...b]).size, 6);
                }
                finally {
                    await peer.close();
                }
            });
        });
    });
}
//# sourceMappingURL=notifications-store.contract.js.map