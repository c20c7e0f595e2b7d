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
import { ADMIN, harness } from './harness.js';
const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'beijing' };
const DATES = ['2025-07-07', '2025-07-14', '2025-08-04'];
const step = fc.oneof(fc.constant({ kind: 'lock' }), fc.record({ kind: fc.constant('plan'), from: fc.constantFrom(...DATES),
    units: fc.integer({ min: 1, max: 4 }) }), fc.record({ kind: fc.constant('centre'), handovers: fc.integer({ min: 1, max: 3 }) }), fc.record({ kind: fc.constant('run'), cars: fc.integer({ min: 1, max: 2 }) }), fc.constant({ kind: 'replan' }), fc.constant({ kind: 'periodic' }));
let h;
let buyers = 0;
let cars = 0;
/** Each order's stored handover week after the last step, and its moves so far. */
const weeks = new Map();
const moves = new Map();
before(async () => {
    h = await harness({ LAUNCHDAY_REPLAN_SLICE_ORDERS: '1' });
});
after(() => h.close());
async function run(s) {
    const post = (path, body) => h.call('POST', path, { token: ADMIN, body });
    switch (s.kind) {
        case 'lock': {
            const b = await h.buyer(++buyers);
            const o = await h.order(b.token, `k${buyers}`, SU7);
            assert.equal(o.status, 201, JSON.stringify(o.body));
            const l = await h.call('POST', `/orders/${o.body.order_id}/lock`, { token: b.token, body: { confirm: true } });
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
                handovers_per_week: s.handovers, opens_on: '2025-01-01', reason: 'property' })).status, 201);
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
    await fc.assert(fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
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
//# sourceMappingURL=replan-notifications.test.js.map