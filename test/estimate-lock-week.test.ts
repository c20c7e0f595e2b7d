// A plan begun weeks before an order locks: its car is built no earlier than the week it locked
// in. The plan's units of the weeks before were built before the order existed; counted from the
// plan's first week, an order locked today was told a build week, and a window, in the past.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, type Harness } from './harness.js';

const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'wuhan' };
const WEEK_S = 7 * 86_400;

describe('estimates from a plan begun before the order locked', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  it('"if you lock now", the lock\'s reply and the re-plan after it give a window after today',
    async () => {
      const first = await h.buyer(1);
      const o1 = await h.order(first.token, 'lw1', SU7);
      assert.equal((await h.call('POST', `/orders/${o1.body.order_id}/lock`,
        { token: first.token, body: { confirm: true } })).status, 200);
      // Two a week from the week of 7 July: the first order is built that week.
      const plan = await h.call('POST', '/admin/production-plans', { token: ADMIN, body: {
        launch_id: 'su7-2024', trim: 'standard', reason: 'two a week',
        rates: [{ from: '2025-07-07', units_per_week: 2 }] } });
      assert.equal(plan.status, 201, JSON.stringify(plan.body));
      // Ten weeks on, a second buyer orders: the second unit of the week of 7 July was built
      // long ago, so this car is built this week at the earliest and handed over after it.
      await h.tick(10 * WEEK_S);
      // Beijing's date today, as windows are dated.
      const today = new Date(h.ld.app.clock.nowMs() + 8 * 3_600_000).toISOString().slice(0, 10);
      const second = await h.buyer(2);
      const o2 = await h.order(second.token, 'lw2', SU7);
      assert.equal(o2.status, 201, JSON.stringify(o2.body));
      const firm = (await h.call('GET', `/orders/${o2.body.order_id}`,
        { token: second.token })).body.estimate;
      assert.equal(firm.basis, 'if_locked_now');
      assert.ok(firm.window.from > today, `"if you lock now" from ${firm.window.from}, `
        + `today is ${today}`);
      assert.ok(firm.weeks_min >= 1, JSON.stringify(firm));
      const lock = await h.call('POST', `/orders/${o2.body.order_id}/lock`,
        { token: second.token, body: { confirm: true } });
      assert.equal(lock.status, 200, JSON.stringify(lock.body));
      assert.deepEqual(lock.body.estimate.window, firm.window);
      // The re-plan stores what the lock's reply said: nothing moves, and the first order's
      // window (its car built in July) stays where it was.
      const replan = await h.call('POST', '/admin/replans', { token: ADMIN,
        body: { reason: 'after the lock' } });
      assert.equal(replan.status, 201, JSON.stringify(replan.body));
      assert.equal(replan.body.replan.moved_earlier + replan.body.replan.moved_later, 0);
      const stored = (await h.call('GET', `/orders/${o2.body.order_id}`,
        { token: second.token })).body.estimate;
      assert.deepEqual(stored.window, firm.window);
      assert.deepEqual((await h.call('GET', `/orders/${o1.body.order_id}`,
        { token: first.token })).body.estimate.window, { from: '2025-07-14', to: '2025-07-27' });
    });

  it('an order re-queued at the end by a change since the re-plan is counted after the tail, '
    + 'not at its old place (the attacker\'s case: "if you lock now" was a week early)',
  async () => {
    const h2 = await harness();
    try {
      const lock = async (n: number) => {
        const b = await h2.buyer(n);
        const o = await h2.order(b.token, `rq${n}`, SU7);
        assert.equal(o.status, 201, JSON.stringify(o.body));
        const l = await h2.call('POST', `/orders/${o.body.order_id}/lock`,
          { token: b.token, body: { confirm: true } });
        assert.equal(l.status, 200, JSON.stringify(l.body));
        return { b, id: o.body.order_id as string };
      };
      const a = await lock(1);
      await lock(2);
      const plan = await h2.call('POST', '/admin/production-plans', { token: ADMIN, body: {
        launch_id: 'su7-2024', trim: 'standard', reason: 'one a week',
        rates: [{ from: '2025-07-07', units_per_week: 1 }] } });
      assert.equal(plan.status, 201, JSON.stringify(plan.body));
      await h2.tick(10 * WEEK_S);
      // A's estimate read: the estimates' snapshot is read now, before the change (on SQLite
      // it is kept until the next re-plan; only the tails' counts are read again after 1 s).
      assert.equal((await h2.call('GET', `/orders/${a.id}`, { token: a.b.token })).body
        .estimate.window.from, '2025-07-14');
      const w = await h2.call('POST', '/admin/change-windows', { token: ADMIN, body: {
        from_launch_id: 'su7-2024', allows: ['city'],
        opens_at: '2025-01-01T00:00:00Z', closes_at: '2026-12-31T00:00:00Z' } });
      assert.equal(w.status, 201, JSON.stringify(w.body));
      // A moves city inside the window: re-queued now, behind B, its stored estimate stale.
      const ch = await h2.call('POST', `/orders/${a.id}/change`, { token: a.b.token,
        body: { city: 'beijing' } });
      assert.equal(ch.status, 200, JSON.stringify(ch.body));
      await new Promise((r) => setTimeout(r, 1_100));
      // C, firm: "if you lock now", then the lock's reply, then what the re-plan stores.
      const c = await h2.buyer(3);
      const oc = await h2.order(c.token, 'rq3', SU7);
      const firm = (await h2.call('GET', `/orders/${oc.body.order_id}`, { token: c.token }))
        .body.estimate;
      assert.equal(firm.basis, 'if_locked_now');
      const lc = await h2.call('POST', `/orders/${oc.body.order_id}/lock`,
        { token: c.token, body: { confirm: true } });
      assert.equal(lc.status, 200, JSON.stringify(lc.body));
      const replan = await h2.call('POST', '/admin/replans', { token: ADMIN,
        body: { reason: 'after the change' } });
      assert.equal(replan.status, 201, JSON.stringify(replan.body));
      const stored = (await h2.call('GET', `/orders/${oc.body.order_id}`, { token: c.token }))
        .body.estimate;
      assert.deepEqual([firm.window, lc.body.estimate.window], [stored.window, stored.window]);
    } finally {
      await h2.close();
    }
  });
});
