// On PostgreSQL one process at a time re-plans: a re-plan holds the planning lock (an advisory
// lock and the estimates table) until it commits; the periodic re-plan gives way at once when
// another holds it, and a requested one waits its turn. Two stores on one schema stand for two
// processes.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { SimulatedClock } from '../src/kernel/clock.js';
import { defaultLimits } from '../src/kernel/config.js';
import { LaunchesService, seedLaunches } from '../src/launches/index.js';
import { order } from '../src/orders/orders-store.contract.js';
import { ProductionService } from '../src/production/index.js';
import { PostgresStore } from '../src/stores.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const NIGHT_MS = Date.UTC(2024, 2, 28, 14);

await withPostgres('re-plans across processes, PostgreSQL', () => {
  describe('re-plans across processes, PostgreSQL', () => {
    const schema = testSchema();
    let a: PostgresStore;
    let b: PostgresStore;
    let pa: ProductionService;
    let pb: ProductionService;

    before(async () => {
      a = await PostgresStore.open(postgresUrl, { schema });
      b = await PostgresStore.open(postgresUrl, { schema });
      const clock = new SimulatedClock(NIGHT_MS + 30 * 86_400_000);
      const service = (store: PostgresStore) => {
        const deps = { store, clock, limits: defaultLimits };
        return new ProductionService(deps, new LaunchesService(deps));
      };
      pa = service(a);
      pb = service(b);
      await a.transaction(async (tx) => {
        for (const l of seedLaunches(NIGHT_MS)) await tx.putLaunch(l);
        await tx.insertOrders([1, 2, 3].map((n) => order(n, { launchId: 'su7-2024',
          modelId: 'su7', status: 'locked', lockedAtMs: NIGHT_MS + n, queuedAtMs: NIGHT_MS + n,
          queuePlace: n, trimSeq: n })));
      });
    });
    after(async () => {
      await pa.close();
      await pb.close();
      await a.close();
      await b.close();
      await dropSchema(schema);
    });

    it('the periodic re-plan gives way to another process\'s; a requested one waits for it',
      async () => {
        const r = await pa.putPlan('op', 'su7-2024', 'standard',
          [{ fromDate: '2024-04-01', unitsPerWeek: 1 }], 'first');
        assert.ok(r.ok);
        assert.equal(r.value.replan.ordersEstimated, 3);
        // Another process holds the planning lock (as a re-plan in flight does).
        let release!: () => void;
        const held = new Promise<void>((resolve) => { release = resolve; });
        let locked!: () => void;
        const isLocked = new Promise<void>((resolve) => { locked = resolve; });
        const holder = a.transaction(async (tx) => {
          await tx.lockPlanning();
          locked();
          await held;
        });
        await isLocked;
        assert.equal(await pb.replanPeriodic(), null, 'gave way at once');
        let waited = false;
        const requested = pb.replanNow('op', 'after the other').then((x) => {
          waited = true;
          return x;
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(waited, false, 'a requested re-plan waits for the lock');
        release();
        await holder;
        assert.equal((await requested).ordersEstimated, 3);
        // Nothing changed since: the periodic one leaves no trace.
        const before = (await b.replans(100)).length;
        assert.equal(await pb.replanPeriodic(), null);
        assert.equal((await b.replans(100)).length, before);
      });

    it('a periodic re-plan gives orders locked since their stored estimate', async () => {
      await a.transaction((tx) => tx.insertOrders([order(4, { launchId: 'su7-2024',
        modelId: 'su7', status: 'locked', lockedAtMs: NIGHT_MS + 4, queuedAtMs: NIGHT_MS + 4,
        queuePlace: 4, trimSeq: 4 })]));
      assert.equal(await b.storedEstimate('ord_00004'), null);
      const r = await pb.replanPeriodic();
      assert.equal(r?.cause, 'periodic');
      assert.equal(r?.ordersEstimated, 4);
      assert.equal((await b.storedEstimate('ord_00004'))!.position, 4);
    });
  });
});
