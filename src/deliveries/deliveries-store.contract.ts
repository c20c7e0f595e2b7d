// Deliveries' part of the storage contract (kernel/store/store-contract.ts), on every adapter:
// records replaced whole and listed by filter, parts by key and reference, money events in
// commit order, the sweep's and the allocation's reads, and slots whose capacity is never
// exceeded however many buyers race for them (a property, with real concurrency on PostgreSQL).
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import fc from 'fast-check';
import { storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { BalancePart, Delivery } from './delivery.js';

const DAY = 86_400_000;

export const sampleDelivery = (n: number, over: Partial<Delivery> = {}): Delivery => ({
  orderId: `ord_${n}`, accountId: `acc_${n}`, launchId: 'su7-2024', city: 'beijing',
  centre: 'beijing', vin: `VIN${n}`, priceFen: 21_590_000, depositFen: 500_000, cycle: 1,
  stage: 'built', scheduledAtMs: T0, readyAtMs: null, dueAtMs: null, remindedAtMs: null,
  noticeAtMs: null, graceEndsAtMs: null, receivedFen: 0, pendingFen: 0, refundedFen: 0,
  deferredUntilMs: null, deferredDays: 0, releasedAtMs: null, releaseReason: null, noShows: 0,
  slotStartMs: null, deliveredAtMs: null, revenueFen: null, nextSweepAtMs: null,
  updatedAtMs: T0, ...over });

const part = (n: number, orderId: string, over: Partial<BalancePart> = {}): BalancePart => ({
  partId: `bpt_${n}`, orderId, reference: `bal_${n}`, method: 'card', amountFen: 1_000_000,
  status: 'pending', requestedAtMs: T0 + n, settledAtMs: null, refundedFen: 0,
  refundedAtMs: null, idempotencyKey: `key${n}`, ...over });

export function deliveriesStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('deliveries', () => {
      test('records are replaced whole and listed by stage, centre and overdue', async (store) => {
        const ready = sampleDelivery(2, { stage: 'ready', readyAtMs: T0, dueAtMs: T0 + 21 * DAY,
          nextSweepAtMs: T0 + 14 * DAY, centre: 'tianjin' });
        await store.transaction(async (tx) => {
          await tx.putDeliveries([sampleDelivery(1), ready, sampleDelivery(3,
            { stage: 'released', deferredUntilMs: T0 + 30 * DAY, vin: null })]);
          assert.deepEqual(await tx.deliveriesForUpdate(['ord_2', 'ord_9']), [ready]);
        });
        const paid = { ...sampleDelivery(1), receivedFen: 21_090_000, stage: 'ready' as const,
          dueAtMs: T0, updatedAtMs: T0 + 1 };
        await store.transaction((tx) => tx.putDeliveries([paid]));
        assert.deepEqual(await store.delivery('ord_1'), paid);
        assert.equal(await store.delivery('ord_9'), null);
        const ids = async (f: Parameters<typeof store.deliveries>[0]) =>
          (await store.deliveries(f, 10)).map((d) => d.orderId);
        assert.deepEqual(await ids({}), ['ord_1', 'ord_2', 'ord_3']);
        assert.deepEqual(await ids({ stage: 'ready' }), ['ord_1', 'ord_2']);
        assert.deepEqual(await ids({ centre: 'tianjin' }), ['ord_2']);
        // Overdue: ready, past the deadline, not paid in full (ord_1 is paid).
        assert.deepEqual(await ids({ overdueAtMs: T0 + 21 * DAY }), ['ord_2']);
        assert.deepEqual(await ids({ overdueAtMs: T0 + 21 * DAY - 1 }), []);
        assert.equal(await store.nextSweepAt(), T0 + 14 * DAY);
        await store.transaction(async (tx) => {
          assert.deepEqual((await tx.deliveriesDue(T0 + 14 * DAY, 10)).map((d) => d.orderId),
            ['ord_2']);
          assert.deepEqual(await tx.deliveriesDue(T0 + 14 * DAY - 1, 10), []);
          assert.deepEqual(await tx.deferredOrders(T0), ['ord_3']);
          assert.deepEqual(await tx.deferredOrders(T0 + 30 * DAY), []);
        });
      });

      test('the database refuses more received than the balance', async (store) => {
        await assert.rejects(store.transaction((tx) => tx.putDeliveries([sampleDelivery(1,
          { receivedFen: 21_090_001 })])));
        await store.transaction((tx) => tx.putDeliveries([sampleDelivery(1,
          { receivedFen: 21_090_001, refundedFen: 1 })]));
      });

      test('pending parts to ask about: first after the delay, then at the time noted; a '
        + 'settled part is never asked about', async (store) => {
        await store.transaction(async (tx) => {
          await tx.putDeliveries([sampleDelivery(1)]);
          await tx.insertBalancePart(part(1, 'ord_1'));
          await tx.insertBalancePart(part(2, 'ord_1'));
          await tx.insertBalancePart(part(3, 'ord_1', { status: 'received', settledAtMs: T0 }));
        });
        const due = async (atMs: number) =>
          (await store.partsToCheck(atMs, 1_000, 10)).map((p) => [p.partId, p.checks]);
        assert.deepEqual(await due(T0 + 1_000), []);
        assert.deepEqual(await due(T0 + 1_001), [['bpt_1', 0]]);
        assert.deepEqual(await due(T0 + 1_002), [['bpt_1', 0], ['bpt_2', 0]]);
        assert.equal((await store.partsToCheck(T0 + 1_002, 1_000, 1)).length, 1, 'the limit');
        await store.transaction((tx) => tx.partChecked('bpt_1', 1, T0 + 5_000));
        assert.deepEqual(await due(T0 + 4_999), [['bpt_2', 0]]);
        assert.deepEqual(await due(T0 + 5_000), [['bpt_1', 1], ['bpt_2', 0]]);
        // Settled between the question and the note: the note leaves it settled and unasked.
        await store.transaction(async (tx) => {
          await tx.updateBalancePart(part(2, 'ord_1', { status: 'received', settledAtMs: T0 }));
          await tx.partChecked('bpt_2', 1, T0);
        });
        assert.deepEqual(await due(T0 + 10_000), [['bpt_1', 1]]);
        const [p1] = await store.partsToCheck(T0 + 10_000, 1_000, 10);
        assert.deepEqual(p1, { ...part(1, 'ord_1'), checks: 1, nextCheckAtMs: T0 + 5_000 });
      });

      test('parts by key and reference; a reference is used once', async (store) => {
        await store.transaction(async (tx) => {
          await tx.putDeliveries([sampleDelivery(1)]);
          await tx.insertBalancePart(part(1, 'ord_1'));
          await tx.insertBalancePart(part(2, 'ord_1', { method: 'loan', status: 'failed' }));
          assert.equal(await tx.livePartCount('ord_1'), 1);
          assert.deepEqual(await tx.balancePartByKey('ord_1', 'key2'), part(2, 'ord_1',
            { method: 'loan', status: 'failed' }));
          assert.equal(await tx.balancePartByKey('ord_2', 'key2'), null);
          assert.deepEqual((await tx.balancePartsTx('ord_1')).map((p) => p.partId),
            ['bpt_1', 'bpt_2']);
          assert.deepEqual(await tx.balancePartsTx('ord_2'), []);
        });
        await assert.rejects(store.transaction((tx) => tx.insertBalancePart(part(1, 'ord_2',
          { partId: 'bpt_x', idempotencyKey: 'other' }))));
        const settled = part(1, 'ord_1', { status: 'received', settledAtMs: T0 + 9,
          refundedFen: 1_000_000, refundedAtMs: T0 + 9 });
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.balancePartForUpdate('bal_1'), part(1, 'ord_1'));
          await tx.updateBalancePart(settled);
        });
        assert.deepEqual(await store.balanceParts('ord_1'), [settled, part(2, 'ord_1',
          { method: 'loan', status: 'failed' })]);
        assert.equal(await store.transaction((tx) => tx.balancePartForUpdate('bal_9')), null);
      });

      test('money events are numbered in commit order and paged', async (store) => {
        await store.transaction((tx) => tx.insertMoneyEvents([
          { orderId: 'ord_1', kind: 'balance_received', amountFen: 5, reference: 'bal_1',
            atMs: T0 },
          { orderId: 'ord_1', kind: 'balance_refunded', amountFen: 5, reference: 'bal_1',
            atMs: T0 }]));
        await store.transaction((tx) => tx.insertMoneyEvents([{ orderId: 'ord_1',
          kind: 'revenue_recognised', amountFen: 7, reference: 'ord_1', atMs: T0 + 1 }]));
        const all = await store.moneyEventsAfter(0, 10);
        assert.deepEqual(all.map((e) => e.kind), ['balance_received', 'balance_refunded',
          'revenue_recognised']);
        assert.ok(all[0]!.seq < all[1]!.seq && all[1]!.seq < all[2]!.seq);
        assert.deepEqual(await store.moneyEventsAfter(all[1]!.seq, 10), [all[2]]);
        assert.deepEqual(await store.moneyEventsAfter(0, 1), [all[0]]);
      });

      test('slots: booked up to the capacity, given back, and an operator\'s own capacity',
        async (store) => {
          const slot = T0 + DAY;
          const took = await store.transaction(async (tx) => [await tx.takeSlot('bj', slot, 2),
            await tx.takeSlot('bj', slot, 2), await tx.takeSlot('bj', slot, 2)]);
          assert.deepEqual(took, [true, true, false]);
          await store.transaction((tx) => tx.freeSlot('bj', slot));
          await store.transaction((tx) => tx.freeSlot('sh', slot)); // Nothing to give back.
          assert.deepEqual(await store.slotBookings('bj', slot, slot + 1), [[slot, 1]]);
          assert.deepEqual(await store.slotBookings('sh', slot, slot + 1), []);
          await store.transaction(async (tx) => {
            assert.equal(await tx.slotCapacityOf('bj'), null);
            await tx.putSlotCapacity('bj', 6, T0, 'operator:li');
            await tx.putSlotCapacity('bj', 8, T0, 'operator:li');
            assert.equal(await tx.slotCapacityOf('bj'), 8);
          });
          assert.deepEqual(await store.slotCapacities(), [['bj', 8]]);
          await store.transaction((tx) => tx.recordDeliveryAnomaly({ atMs: T0, orderId: 'ord_1',
            reference: 'bal_1', kind: 'amount_mismatch', detail: '{}' }));
          assert.deepEqual(await store.deliveryAnomalies(5), [{ atMs: T0, orderId: 'ord_1',
            reference: 'bal_1', kind: 'amount_mismatch', detail: '{}' }]);
        });

      test('racing buyers never book a slot past its capacity (property)', async (store) => {
        let round = 0;
        await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 5 }),
          fc.integer({ min: 1, max: 12 }), async (capacity, racers) => {
            const slot = T0 + (++round) * 3_600_000;
            // Each racer its own transaction, all at once: on PostgreSQL each on its own
            // connection, so the conditional upsert is what keeps the count.
            const results = await Promise.all(Array.from({ length: racers }, () =>
              store.transaction((tx) => tx.takeSlot('race', slot, capacity))));
            const won = results.filter(Boolean).length;
            assert.equal(won, Math.min(capacity, racers));
            assert.deepEqual(await store.slotBookings('race', slot, slot + 1), [[slot, won]]);
          }), { numRuns: 25, seed: 16 });
      });
    });
  });
}
