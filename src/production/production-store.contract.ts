// Production's part of the storage contract (kernel/store/store-contract.ts): plan and centre
// versions, stored estimates, re-plans, estimate changes and estimates shown, on every adapter.
import { strict as assert } from 'node:assert';
import { describe } from 'node:test';
import { storeTest, T0, type OpenedStore } from '../kernel/store/store-contract.js';
import type { OrderEstimate } from './estimates.js';
import type { CentreVersion, PlanVersion } from './plan.js';
import type {
  CarRecord, EstimateChange, Replan, ShownEstimate,
} from './production-store.js';

const car = (vin: string, options: string[] = []): CarRecord => ({ vin, launchId: 'su7-2024',
  trim: 'max', options, builtOn: '2024-04-01', recordedAtMs: T0, recordedBy: 'operator: li',
  orderId: null, placedAtMs: null, pooled: false });

const plan = (launchId: string, trim: string, version: number, units: number): PlanVersion => ({
  launchId, trim, version, rates: [{ fromDate: '2024-04-03', unitsPerWeek: 1000 },
    { fromDate: '2024-06-01', unitsPerWeek: units }], createdBy: 'operator: li',
  createdAtMs: T0 + version, reason: `version ${version}` });

const centre = (cityId: string, version: number, servedBy: string | null): CentreVersion => ({
  cityId, version, handoversPerWeek: 100 * version, opensOn: '2024-04-20', servedBy,
  createdBy: 'operator: li', createdAtMs: T0 + version, reason: 'opening' });

const estimate = (n: number, centreId: string | null, handoverWeek: number): OrderEstimate => ({
  orderId: `ord_${n}`, accountId: `acc_${n}`, launchId: 'su7-2024', trim: 'standard',
  city: 'beijing', position: n, trimSeq: n + 10, buildWeek: handoverWeek - 1,
  arrivalWeek: handoverWeek, centre: centreId, handoverWeek, planVersion: 2 });

const change = (n: number): Omit<EstimateChange, 'changeId'> => ({ replanId: 'rpl_1',
  orderId: `ord_${n}`, accountId: `acc_${n}`, launchId: 'su7-2024', trim: 'standard',
  oldFrom: '2024-05-06', oldTo: '2024-05-19', newFrom: '2024-04-22', newTo: '2024-05-05',
  weeksMoved: -2, atMs: T0 + n });

export function productionStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  const test = storeTest(open);

  describe(`${name} store contract`, () => {
    describe('production plans and delivery centres', () => {
      test('every version is kept; the highest is in force', async (store) => {
        await store.transaction(async (tx) => {
          await tx.lockPlanning();
          assert.equal(await tx.planVersionCount('su7-2024', 'standard'), 0);
          await tx.insertPlanVersion(plan('su7-2024', 'standard', 1, 2000));
          await tx.insertPlanVersion(plan('su7-2024', 'standard', 2, 3000));
          await tx.insertPlanVersion(plan('su7-2024', 'max', 1, 500));
          await tx.insertCentreVersion(centre('tianjin', 1, null));
          await tx.insertCentreVersion(centre('tianjin', 2, 'beijing'));
          await tx.insertCentreVersion(centre('beijing', 1, null));
          assert.equal(await tx.planVersionCount('su7-2024', 'standard'), 2);
          assert.equal(await tx.centreVersionCount('tianjin'), 2);
          assert.deepEqual(await tx.plansInForce(), [plan('su7-2024', 'max', 1, 500),
            plan('su7-2024', 'standard', 2, 3000)]);
          assert.deepEqual(await tx.centresInForce(), [centre('beijing', 1, null),
            centre('tianjin', 2, 'beijing')]);
        });
        assert.deepEqual(await store.planVersions('su7-2024', 'standard'),
          [plan('su7-2024', 'standard', 1, 2000), plan('su7-2024', 'standard', 2, 3000)]);
        assert.deepEqual(await store.plansInForce(), [plan('su7-2024', 'max', 1, 500),
          plan('su7-2024', 'standard', 2, 3000)]);
        assert.deepEqual(await store.centreVersions('tianjin'),
          [centre('tianjin', 1, null), centre('tianjin', 2, 'beijing')]);
        assert.deepEqual(await store.centresInForce(), [centre('beijing', 1, null),
          centre('tianjin', 2, 'beijing')]);
        assert.deepEqual(await store.planVersions('su7-2024', 'pro'), []);
      });

      test('a version number is taken once', async (store) => {
        await store.transaction((tx) => tx.insertPlanVersion(plan('su7-2024', 'max', 1, 5)));
        await assert.rejects(store.transaction((tx) =>
          tx.insertPlanVersion(plan('su7-2024', 'max', 1, 6))));
        assert.deepEqual(await store.plansInForce(), [plan('su7-2024', 'max', 1, 5)]);
      });
    });

    describe('stored estimates and what re-plans found', () => {
      test('estimates are stored, replaced, removed, and counted per centre and week',
        async (store) => {
          await store.transaction((tx) => tx.putEstimates([estimate(1, 'beijing', 20),
            estimate(2, 'beijing', 20), estimate(3, 'tianjin', 21), estimate(4, null, 22)]));
          await store.transaction(async (tx) => {
            await tx.putEstimates([estimate(2, 'beijing', 23)]);
            await tx.deleteEstimates(['ord_3', 'ord_none']);
            assert.deepEqual((await tx.storedEstimates()).sort((a, b) =>
              (a.orderId < b.orderId ? -1 : 1)), [estimate(1, 'beijing', 20),
              estimate(2, 'beijing', 23), estimate(4, null, 22)]);
          });
          assert.deepEqual(await store.storedEstimate('ord_2'), estimate(2, 'beijing', 23));
          assert.equal(await store.storedEstimate('ord_3'), null);
          assert.deepEqual(await store.centreArrivals(), [['beijing', 20, 1],
            ['beijing', 23, 1]]);
          // Per trim and build week, every centre (and none) counted: where each trim ends.
          await store.transaction((tx) => tx.putEstimates([{ ...estimate(5, 'beijing', 20),
            trim: 'max' }, { ...estimate(6, null, 20), trim: 'max' },
          { ...estimate(7, 'beijing', 20), launchId: 'su7-2025' }]));
          assert.deepEqual(await store.trimBuildWeeks(), [['su7-2024', 'max', 19, 2, 16],
            ['su7-2024', 'standard', 19, 1, 11], ['su7-2024', 'standard', 21, 1, 14],
            ['su7-2024', 'standard', 22, 1, 12], ['su7-2025', 'standard', 19, 1, 17]]);
        });

      test('estimate changes are numbered in commit order and paged after the last seen',
        async (store) => {
          const replan: Replan = { replanId: 'rpl_1', atMs: T0, actor: 'operator: li',
            cause: 'plan', reason: 'suppliers sped up', ordersEstimated: 3, movedEarlier: 3,
            movedLater: 0 };
          await store.transaction(async (tx) => {
            await tx.insertReplan(replan);
            await tx.insertEstimateChanges([change(1), change(2)]);
          });
          await store.transaction((tx) => tx.insertEstimateChanges([change(3)]));
          const all = await store.estimateChangesAfter(0, 10);
          assert.deepEqual(all.map(({ changeId: _, ...c }) => c), [change(1), change(2),
            change(3)]);
          assert.ok(all[0]!.changeId < all[1]!.changeId && all[1]!.changeId < all[2]!.changeId);
          assert.deepEqual(await store.estimateChangesAfter(all[0]!.changeId, 1), [all[1]]);
          assert.deepEqual(await store.estimateChangesAfter(all[2]!.changeId, 10), []);
          assert.deepEqual(await store.replans(10), [replan]);
          await store.transaction((tx) => tx.insertEstimateChanges([{ ...change(4),
            replanId: 'rpl_2' }]));
          const ofFirst = await store.estimateChangesOfReplan('rpl_1', 0, 10);
          assert.deepEqual(ofFirst, all);
          assert.deepEqual(await store.estimateChangesOfReplan('rpl_1', all[0]!.changeId, 1),
            [all[1]]);
          assert.deepEqual((await store.estimateChangesOfReplan('rpl_2', 0, 10))
            .map((c) => c.orderId), ['ord_4']);
          assert.deepEqual(await store.estimateChangesOfReplan('rpl_none', 0, 10), []);
        });

      test('estimates shown are kept per order in the order shown', async (store) => {
        const shown = (n: number, week: number): ShownEstimate => ({ orderId: 'ord_1',
          shownAtMs: T0 + n, handoverWeek: week, windowFrom: '2024-05-06',
          windowTo: '2024-05-19', occasion: 'lock' });
        await store.transaction((tx) => tx.insertShownEstimates([shown(1, 18), shown(2, 19)]));
        assert.deepEqual(await store.shownEstimates('ord_1'), [shown(1, 18), shown(2, 19)]);
        assert.deepEqual(await store.shownEstimates('ord_2'), []);
      });
    });

    describe('built cars', () => {
      test('cars are recorded once, placed once, in the order recorded', async (store) => {
        await store.transaction(async (tx) => {
          await tx.insertCars([car('VIN3', ['colour-green', 'wheels-20']), car('VIN1'),
            car('VIN2')]);
          assert.deepEqual(await tx.carsByVin(['VIN1', 'VIN9']), [car('VIN1')]);
          assert.deepEqual((await tx.unplacedCars()).map((c) => c.vin), ['VIN3', 'VIN1',
            'VIN2']);
          assert.deepEqual((await tx.unplacedCars())[0], car('VIN3', ['colour-green',
            'wheels-20']));
        });
        assert.equal(await store.carCount(), 3);
        // Newest first: the operator's list of runs reads the latest cars.
        assert.deepEqual((await store.latestCars(2)).map((c) => c.vin), ['VIN2', 'VIN1']);
        await assert.rejects(store.transaction((tx) => tx.insertCars([car('VIN1')])));
        await store.transaction((tx) => tx.placeCars([{ vin: 'VIN1', orderId: 'ord_1' }],
          ['VIN2'], T0 + 5));
        // Placing a placed car again fails the transaction: a car is never given twice.
        await assert.rejects(store.transaction((tx) =>
          tx.placeCars([{ vin: 'VIN1', orderId: 'ord_2' }], [], T0 + 6)));
        await assert.rejects(store.transaction((tx) =>
          tx.placeCars([{ vin: 'VIN3', orderId: 'ord_1' }], [], T0 + 6)));
        assert.deepEqual(await store.carOfOrder('ord_1'), { ...car('VIN1'), orderId: 'ord_1',
          placedAtMs: T0 + 5 });
        assert.equal(await store.carOfOrder('ord_2'), null);
        assert.deepEqual(await store.readyStock(10), [{ ...car('VIN2'), pooled: true,
          placedAtMs: T0 + 5 }]);
        await store.transaction((tx) => tx.insertShownEstimates([{ orderId: 'ord_1',
          shownAtMs: T0, handoverWeek: 14, windowFrom: '2024-04-01', windowTo: '2024-04-14',
          occasion: 'lock' }, { orderId: 'ord_1', shownAtMs: T0 + 1, handoverWeek: 15,
          windowFrom: '2024-04-08', windowTo: '2024-04-21', occasion: 'lock' }]));
        assert.deepEqual(await store.allocatedWithShown(), [{ orderId: 'ord_1',
          builtOn: '2024-04-01', shownHandoverWeek: 14 }]);
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.ordersWithCars(), ['ord_1']);
          assert.deepEqual((await tx.unplacedCars()).map((c) => c.vin), ['VIN3']);
        });
        // ord_1 cancelled: its car is unplaced again (in the order recorded), the pooled one
        // stays pooled, and the car can be placed anew.
        assert.equal(await store.transaction((tx) => tx.releaseCars(['ord_1', 'ord_9'])), 1);
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.ordersWithCars(), []);
          assert.deepEqual((await tx.unplacedCars()).map((c) => c.vin), ['VIN3', 'VIN1']);
          assert.equal(await tx.releaseCars([]), 0);
          await tx.placeCars([{ vin: 'VIN1', orderId: 'ord_2' }], [], T0 + 7);
        });
        assert.equal(await store.carOfOrder('ord_1'), null);
        assert.equal((await store.carOfOrder('ord_2'))!.vin, 'VIN1');
        assert.equal((await store.readyStock(10)).length, 1);
      });

      test('a car taken from its order is unplaced again, for the next allocation',
        async (store) => {
          await store.transaction(async (tx) => {
            await tx.insertCars([car('VIN1'), car('VIN2')]);
            await tx.placeCars([{ vin: 'VIN1', orderId: 'ord_1' }], ['VIN2'], T0 + 5);
          });
          assert.equal(await store.transaction((tx) => tx.unplaceCarOf('ord_2')), null);
          assert.equal(await store.transaction((tx) => tx.unplaceCarOf('ord_1')), 'VIN1');
          assert.equal(await store.carOfOrder('ord_1'), null);
          await store.transaction(async (tx) => {
            assert.deepEqual((await tx.unplacedCars()).map((c) => c.vin), ['VIN1']);
            assert.deepEqual(await tx.ordersWithCars(), []);
            await tx.placeCars([{ vin: 'VIN1', orderId: 'ord_2' }], [], T0 + 6);
          });
          assert.equal((await store.carOfOrder('ord_2'))?.vin, 'VIN1');
        });
    });
  });
}
