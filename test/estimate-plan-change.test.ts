// Between a new plan version's commit and its re-plan's end (computed in the worker thread on
// SQLite, the event loop free meanwhile), "if you lock now" appended after the tails the old plan
// stored, counted with the new plan's rates, and a snapshot read begun before the change was
// handed out after it: told weeks early (found by the attacker). Estimates asked for while a
// plan change is under way now wait for its re-plan.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, type Harness } from './harness.js';

const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'wuhan' };

describe('"if you lock now" while a new plan is being re-planned', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ LAUNCHDAY_REPLAN_SLICE_ORDERS: '1' });
  });
  after(() => h.close());

  it('is what the re-plan of the new plan gives the next order', async () => {
    for (let n = 1; n <= 10; n++) {
      const b = await h.buyer(n);
      const o = await h.order(b.token, `pc${n}`, SU7);
      assert.equal((await h.call('POST', `/orders/${o.body.order_id}/lock`,
        { token: b.token, body: { confirm: true } })).status, 200);
    }
    const p1 = await h.call('POST', '/admin/production-plans', { token: ADMIN, body: {
      launch_id: 'su7-2024', trim: 'standard', reason: 'five a week',
      rates: [{ from: '2025-07-07', units_per_week: 5 }] } });
    assert.equal(p1.status, 201, JSON.stringify(p1.body));
    const c = await h.buyer(99);
    const oc = await h.order(c.token, 'pc99', SU7);
    const ifNow = async () => (await h.call('GET', `/orders/${oc.body.order_id}`,
      { token: c.token })).body.estimate.window.from as string;
    // The new plan: one a week. Read "if you lock now" while its re-plan runs.
    let done = false;
    const p2 = h.call('POST', '/admin/production-plans', { token: ADMIN, body: {
      launch_id: 'su7-2024', trim: 'standard', reason: 'one a week',
      rates: [{ from: '2025-07-07', units_per_week: 1 }] } }).finally(() => { done = true; });
    // Once the new version is committed (before, the old plan is the plan, and its estimate the
    // true one), a read made while the re-plan writes its slices (one order each here, the
    // event loop free between them) is answered from the new plan's estimates.
    const committed = async () => (await h.ld.app.deps.store.planVersions('su7-2024',
      'standard')).length === 2;
    while (!done && !(await committed())) await new Promise((r) => setImmediate(r));
    assert.equal(done, false, 'the re-plan ended before a read could be made');
    const during = await ifNow();
    assert.equal((await p2).status, 201);
    assert.equal(during, await ifNow(), 'told during the re-plan, then once it ran');
  });
});
