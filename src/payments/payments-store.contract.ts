// Payments' part of the storage contract (kernel/store/store-contract.ts): the outbox, provider
// notifications and anomalies, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { PaymentOp } from './payments-store.js';

export function paymentsStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('payments', () => {
      test('payment instructions wait in the outbox until marked sent', async (store) => {
        const op = (n: number, createdAtMs: number): PaymentOp => ({ opId: `pop_${n}`,
          kind: 'refund', reference: `dep_${n}`, orderId: `ord_${n}`, amountFen: 500_000,
          createdAtMs });
        await store.transaction(async (tx) => {
          await tx.queuePayment(op(1, T0 + 20));
          await tx.queuePayment(op(2, T0 + 10));
          await tx.queuePayment(op(3, T0 + 30));
        });
        assert.deepEqual(await store.pendingPayments(10), [op(2, T0 + 10), op(1, T0 + 20),
          op(3, T0 + 30)]);
        assert.deepEqual(await store.pendingPayments(1), [op(2, T0 + 10)]);
        await store.transaction((tx) => tx.markPaymentsSent(['pop_2', 'pop_3'], T0 + 40));
        await store.transaction((tx) => tx.markPaymentsSent([], T0 + 40));
        assert.deepEqual(await store.pendingPayments(10), [op(1, T0 + 20)]);
        await assert.rejects(store.transaction((tx) => tx.queuePayment(op(1, T0))));
      });

      test('a refund settles once, and a notification is recorded once', async (store) => {
        await store.transaction((tx) => tx.queuePayment({ opId: 'pop_1', kind: 'refund',
          reference: 'dep_1', orderId: 'ord_1', amountFen: 500_000, createdAtMs: T0 }));
        const first = await store.transaction(async (tx) => [
          await tx.recordNotification('evt_1', 'refund.succeeded', 'dep_1', T0 + 1),
          await tx.settleRefund('dep_1', T0 + 1)]);
        assert.deepEqual(first, [true, 'ord_1']);
        const again = await store.transaction(async (tx) => [
          await tx.recordNotification('evt_1', 'refund.succeeded', 'dep_1', T0 + 2),
          await tx.settleRefund('dep_1', T0 + 2), await tx.settleRefund('dep_unknown', T0 + 2)]);
        assert.deepEqual(again, [false, null, null]);
        // Another refund's notification under the same event id is its own notification:
        // providers number events per process, not globally.
        assert.equal(await store.transaction((tx) =>
          tx.recordNotification('evt_1', 'refund.succeeded', 'dep_2', T0 + 3)), true);
      });

      test('refunds are found by reference, checked, and listed until settled', async (store) => {
        const op = (n: number, createdAtMs: number): PaymentOp => ({ opId: `pop_${n}`,
          kind: 'refund', reference: `dep_${n}`, orderId: `ord_${n}`, amountFen: 100 * n,
          createdAtMs });
        await store.transaction(async (tx) => {
          for (const n of [1, 2, 3]) await tx.queuePayment(op(n, T0 + n));
          await tx.markPaymentsSent(['pop_1', 'pop_2'], T0 + 10);
        });
        const sent = (n: number, sentAtMs: number | null) => ({ ...op(n, T0 + n), sentAtMs });
        assert.deepEqual(await store.transaction((tx) => tx.refundOf('dep_2')),
          { ...sent(2, T0 + 10), settledAtMs: null });
        assert.equal(await store.transaction((tx) => tx.refundOf('dep_9')), null);
        assert.deepEqual(await store.refundsToCheck(T0 + 9, 10), []);
        assert.deepEqual(await store.refundsToCheck(T0 + 10, 10),
          [sent(1, T0 + 10), sent(2, T0 + 10)]);
        await store.transaction((tx) => tx.markRefundsChecked(['pop_1'], T0 + 20));
        await store.transaction((tx) => tx.markRefundsChecked([], T0 + 20));
        assert.deepEqual(await store.refundsToCheck(T0 + 15, 10), [sent(2, T0 + 10)]);
        await store.transaction((tx) => tx.settleRefund('dep_2', T0 + 30));
        assert.deepEqual((await store.transaction((tx) => tx.refundOf('dep_2')))?.settledAtMs,
          T0 + 30);
        assert.deepEqual(await store.refundsToCheck(T0 + 100, 10), [sent(1, T0 + 10)]);
        assert.deepEqual(await store.unsettledRefunds(T0 + 2, 10),
          { count: 1, refunds: [sent(1, T0 + 10)] });
        assert.deepEqual(await store.unsettledRefunds(T0 + 100, 1),
          { count: 2, refunds: [sent(1, T0 + 10)] });
      });

      test('payment anomalies are kept, newest first', async (store) => {
        const a = (n: number) => ({ atMs: T0 + n, kind: 'amount_mismatch', reference: `dep_${n}`,
          eventId: n === 2 ? '' : `evt_${n}`, detail: { notified_fen: n } });
        await store.transaction(async (tx) => {
          for (const n of [1, 2, 3]) await tx.recordPaymentAnomaly(a(n));
        });
        assert.deepEqual(await store.paymentAnomalies(2), [a(3), a(2)]);
      });

      test('the notifications of a reference are listed by type, oldest first', async (store) => {
        await store.transaction(async (tx) => {
          await tx.recordNotification('evt_b', 'refund.succeeded', 'dep_1', T0 + 2);
          await tx.recordNotification('evt_a', 'refund.succeeded', 'dep_1', T0 + 1);
          await tx.recordNotification('evt_c', 'collection.succeeded', 'dep_1', T0 + 3);
          await tx.recordNotification('evt_a', 'refund.succeeded', 'dep_2', T0 + 4);
        });
        assert.deepEqual(await store.transaction((tx) =>
          tx.notificationsOf('dep_1', 'refund.succeeded')), ['evt_a', 'evt_b']);
        assert.deepEqual(await store.transaction((tx) =>
          tx.notificationsOf('dep_1', 'collection.succeeded')), ['evt_c']);
        assert.deepEqual(await store.transaction((tx) =>
          tx.notificationsOf('dep_9', 'refund.succeeded')), []);
      });

    });
  });
}
