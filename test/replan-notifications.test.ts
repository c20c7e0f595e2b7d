// An estimate never moves without a message, and no message is sent without a move (fast-check):
// random sequences of locks, plan versions, centre versions, production runs and re-plans (by an
// operator, and the periodic one) against one launchday. After each step the stored estimates
// are compared with those before it: every order whose handover week moved, and had no car, is
// one move; each buyer's `estimate_moved` messages must number exactly their order's moves.
// On SQLite, so the re-plans run in the worker thread and are written in slices (one estimate
// per slice here, so that a re-plan's messages span many transactions).
import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, harness, type Harness } from './harness.js';

const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'beijing' };
const DATES = ['2025-07-07', '2025-07-14', '2025-08-04'];

type Step =
  | { kind: 'lock' }
  | { kind: 'plan'; from: string; units: number }
  | { kind: 'centre'; handovers: number }
  | { kind: 'run'; cars: number }
  | { kind: 'replan' }
  | { kind: 'periodic' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'lock' as const }),
  fc.record({ kind: fc.constant('plan' as const), from: fc.constantFrom(...DATES),
    units: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('centre' as const), handovers: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('run' as const), cars: fc.integer({ min: 1, max: 2 }) }),
  fc.constant({ kind: 'replan' as const }),
  fc.constant({ kind: 'periodic' as const }));

let h: Harness;
let buyers = 0;
let cars = 0;
/** Each order's stored handover week after the last step, and its moves so far. */
const weeks = new Map<string, number>();
const moves = new Map<string, number>();

before(async () => {
  h = await harness({ LAUNCHDAY_REPLAN_SLICE_ORDERS: '1' });
});
after(() => h.close());

async function run(s: Step): Promise<void> {
  const post = (path: string, body: unknown) => h.call('POST', path, { token: ADMIN, body });
  switch (s.kind) {
    case 'lock': {
      const b = await h.buyer(++buyers);
      const o = await h.order(b.token, `k${buyers}`, SU7);
      assert.equal(o.status, 201, JSON.stringify(o.body));
      const l = await h.call('POST', `/orders/${o.body.order_id}/lock`,
        { token: b.token, body: { confirm: true } });
      assert.equal(l.status, 200, JSON.stringify(l.body));
      return;
    }
    case 'plan':
      assert.equal((await post('/admin/production-plans', { launch_id: 'su7-2024',
        trim: 'standard', rates: [{ from: s.from, units_per_week: s.units }],
        reason: 'property' })).status, 201);
      return;
    case 'centre':
      assert.equal((await post('/admin/delivery-centres', { city_id: 'beijing',
        handovers_per_week: s.handovers, opens_on: '2025-01-01', reason: 'property' })).status,
      201);
      return;
    case 'run': {
      const list = Array.from({ length: s.cars }, () => ({ trim: 'standard',
        vin: withCheckCharacter(`LXMSU7AB0R${String(++cars).padStart(7, '0')}`) }));
      assert.equal((await post('/admin/production-runs', { launch_id: 'su7-2024',
        built_on: '2025-07-09', reason: 'property', cars: list })).status, 201);
      return;
    }
    case 'replan':
      assert.equal((await post('/admin/replans', { reason: 'property' })).status, 201);
      return;
    case 'periodic':
      await h.ld.app.production.replanPeriodic();
  }
}

it('an estimate never moves without a message, nor a message goes without a move', async () => {
  const store = h.ld.app.deps.store;
  await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }),
    async (steps) => {
      for (const s of steps) {
        const withCars = new Set(await store.transaction((tx) => tx.ordersWithCars()));
        await run(s);
        for (const e of await store.transaction((tx) => tx.storedEstimates())) {
          const before = weeks.get(e.orderId);
          // A scheduled order follows its car: its stored week may change, untold.
          if (before !== undefined && before !== e.handoverWeek && !withCars.has(e.orderId)) {
            moves.set(e.orderId, (moves.get(e.orderId) ?? 0) + 1);
          }
          weeks.set(e.orderId, e.handoverWeek);
        }
        for (const orderId of weeks.keys()) {
          const told = (await store.notificationsOfOrder(orderId, 1_000))
            .filter((m) => m.kind === 'estimate_moved').length;
          assert.equal(told, moves.get(orderId) ?? 0, `${orderId} after ${JSON.stringify(s)}`);
        }
      }
    }), { numRuns: 12, seed: 15 });
  assert.ok([...moves.values()].some((n) => n > 0), 'some estimate moved');
});

it('a re-plan that fails between slices leaves the rest to the next, and each move is told '
  + 'once', async () => {
  const h2 = await harness({ LAUNCHDAY_REPLAN_SLICE_ORDERS: '1' });
  try {
    const app = h2.ld.app;
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) {
      const b = await h2.buyer(i);
      const o = await h2.order(b.token, `f${i}`, SU7);
      await h2.call('POST', `/orders/${o.body.order_id}/lock`,
        { token: b.token, body: { confirm: true } });
      ids.push(o.body.order_id);
    }
    const plan = (units: number) => app.production.putPlan('op', 'su7-2024', 'standard',
      [{ fromDate: '2025-07-07', unitsPerWeek: units }], 'test');
    assert.ok((await plan(1)).ok);
    // The process "crashes" in the third slice: its transaction fails, the slices before it
    // are committed with their messages, the rest is neither written nor told.
    const hook = app.production.onEstimatesMoved!;
    let calls = 0;
    app.production.onEstimatesMoved = async (tx, changes) => {
      if (++calls === 3) throw new Error('crash in the third slice');
      await hook(tx, changes);
    };
    await assert.rejects(plan(4), /crash in the third slice/);
    app.production.onEstimatesMoved = hook;
    const told = async () => Promise.all(ids.map(async (id) =>
      (await app.deps.store.notificationsOfOrder(id, 100))
        .filter((m) => m.kind === 'estimate_moved').length));
    // Orders 2-4 move earlier (1 a week becomes 4), one slice each (the hook is called for a
    // slice with a move): the first two were told, the third failed.
    assert.deepEqual(await told(), [0, 1, 1, 0]);
    const r = await app.production.replanNow('op', 'after the crash');
    assert.equal(r.movedEarlier, 1, 'only the move not yet stored');
    assert.deepEqual(await told(), [0, 1, 1, 1]);
    // All four cars are built in the first week now: one handover week for all.
    const stored = await app.deps.store.transaction((tx) => tx.storedEstimates());
    assert.equal(stored.length, 4);
    assert.equal(new Set(stored.map((e) => e.handoverWeek)).size, 1);
  } finally {
    await h2.close();
  }
});
