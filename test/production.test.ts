// The production capability through HTTP: an operator's plan versions and delivery centres,
// the re-plan each causes (stored estimates, the moved ones listed earlier and later), the
// estimates orders show from the plan, the estimates recorded at lock, and bad input refused
// with a clear code and nothing written.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { defaultLimits } from '../src/kernel/config.js';
import { compileReply } from '../src/kernel/http/schema.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';
import { storeDigest } from './store-digest.js';

const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'beijing' };
const PLAN = { launch_id: 'su7-2024', trim: 'standard', reason: 'first plan',
  rates: [{ from: '2025-07-07', units_per_week: 1 }] };
const CENTRE = { city_id: 'beijing', handovers_per_week: 1, opens_on: '2025-01-01',
  reason: 'Beijing centre' };

describe('production plans, centres and re-plans', () => {
  let h: Harness;
  const orders: string[] = [];
  const tokens: string[] = [];
  const post = (path: string, body: unknown, token = ADMIN): Promise<Reply> =>
    h.call('POST', path, { token, body });
  const get = (path: string, token = ADMIN): Promise<Reply> => h.call('GET', path, { token });
  const estimateOf = async (i: number) =>
    (await get(`/orders/${orders[i]}`, tokens[i])).body.estimate;

  before(async () => {
    h = await harness();
    for (let i = 0; i < 4; i++) {
      const b = await h.buyer(i + 1);
      tokens.push(b.token);
      const o = await h.order(b.token, `k${i}`, SU7);
      orders.push(o.body.order_id);
      // The fourth stays firm: its estimate is "if you lock now".
      if (i < 3) {
        const r = await post(`/orders/${o.body.order_id}/lock`, { confirm: true }, b.token);
        assert.equal(r.status, 200, JSON.stringify(r.body));
      }
    }
  });
  after(() => h.close());

  it('without a plan, orders keep the weekly-capacity estimate (no window)', async () => {
    const e = await estimateOf(0);
    assert.equal(e.basis, 'locked');
    assert.equal(e.window, undefined);
    assert.equal((await get('/admin/production-plans/su7-2024/standard')).body.error.code,
      'plan_not_found');
  });

  it('refuses bad plans and centres with a clear code, writing nothing', async () => {
    const bad: Array<[string, unknown, number, string]> = [
      ['/admin/production-plans', { ...PLAN, rates: undefined }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: [] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: [{ from: '2025-02-30',
        units_per_week: 1 }] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: [{ from: '2025-07-07',
        units_per_week: -1 }] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: [{ from: '2025-07-07', units_per_week: 5 },
        { from: '2025-07-01', units_per_week: 5 }] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: [{ from: '2025-07-07',
        units_per_week: 0 }] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: [{ from: '2025-07-07',
        units_per_week: 1.5 }] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: ['x'] }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, rates: Array.from(
        { length: defaultLimits.planRatesMax + 1 }, (_, i) => ({
          from: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
          units_per_week: 1 })) }, 422, 'invalid_request'],
      ['/admin/production-plans', { ...PLAN, reason: '' }, 422, 'reason_required'],
      ['/admin/production-plans', { ...PLAN, trim: 'turbo' }, 422, 'unknown_trim'],
      ['/admin/production-plans', { ...PLAN, launch_id: 'su9' }, 404, 'launch_not_found'],
      ['/admin/delivery-centres', { ...CENTRE, handovers_per_week: 0 }, 422, 'invalid_request'],
      ['/admin/delivery-centres', { ...CENTRE, opens_on: '1 July' }, 422, 'invalid_request'],
      ['/admin/delivery-centres', { ...CENTRE, city_id: 'lhasa' }, 422, 'unknown_city'],
      ['/admin/delivery-centres', { ...CENTRE, served_by: 'beijing' }, 422, 'invalid_request'],
      ['/admin/delivery-centres', { ...CENTRE, served_by: 'tianjin' }, 404, 'centre_not_found'],
      ['/admin/delivery-centres', { ...CENTRE, reason: undefined }, 422, 'reason_required'],
    ];
    for (const [path, body, status, code] of bad) {
      const digest = storeDigest(h.dir);
      const r = await post(path, body);
      assert.equal(r.status, status, `${JSON.stringify(body).slice(0, 120)}: ${
        JSON.stringify(r.body)}`);
      assert.equal(r.body.error.code, code);
      assert.deepEqual(storeDigest(h.dir), digest, 'a refusal writes nothing');
    }
    assert.deepEqual((await get('/admin/production-plans')).body.plans, []);
    assert.deepEqual((await get('/admin/replans')).body.replans, []);
  });

  it('a first plan estimates every locked order from it; nothing moved yet', async () => {
    const r = await post('/admin/production-plans', PLAN);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.plan.version, 1);
    assert.equal(r.body.plan.created_by, 'operator:admin');
    assert.deepEqual(r.body.plan.rates, PLAN.rates);
    assert.equal(r.body.replan.orders_estimated, 3);
    assert.equal(r.body.replan.moved_earlier + r.body.replan.moved_later, 0);
    // One car a week from the week of 7 July: built 7, 14, 21 July; handed over a week later.
    assert.deepEqual(await estimateOf(0), { weeks_min: 3, weeks_max: 5, basis: 'locked',
      window: { from: '2025-07-14', to: '2025-07-27' } });
    assert.deepEqual((await estimateOf(2)).window, { from: '2025-07-28', to: '2025-08-10' });
    // The firm order: fourth car, built the week of 28 July.
    assert.deepEqual((await estimateOf(3)), { weeks_min: 6, weeks_max: 8,
      basis: 'if_locked_now', window: { from: '2025-08-04', to: '2025-08-17' } });
    const q = await h.call('GET', '/launches/su7-2024/estimate?trim=standard&city=beijing');
    assert.deepEqual(q.body.estimate.window, { from: '2025-08-04', to: '2025-08-17' });
    // Another trim has no plan: its estimate is unchanged.
    const pro = await h.call('GET', '/launches/su7-2024/estimate?trim=pro');
    assert.equal(pro.body.estimate.window, undefined);
    assert.deepEqual((await get('/admin/estimate-changes')).body.changes, []);
  });

  it('more capacity moves estimates earlier, each moved order listed once', async () => {
    // What a notifications capability would be handed, inside the re-plan's transaction.
    const handed: string[] = [];
    const wired = h.ld.app.production.onEstimatesMoved;
    h.ld.app.production.onEstimatesMoved = async (tx, changes) => {
      handed.push(...changes.map((c) => `${c.orderId} ${c.oldFrom} -> ${c.newFrom}`));
      await wired?.(tx, changes);
    };
    const r = await post('/admin/production-plans', { ...PLAN, reason: 'suppliers sped up',
      rates: [{ from: '2025-07-07', units_per_week: 3 }] });
    h.ld.app.production.onEstimatesMoved = wired;
    assert.deepEqual(handed, [`${orders[1]} 2025-07-21 -> 2025-07-14`,
      `${orders[2]} 2025-07-28 -> 2025-07-14`]);
    assert.equal(r.status, 201);
    assert.equal(r.body.plan.version, 2);
    assert.equal(r.body.replan.moved_earlier, 2);
    assert.equal(r.body.replan.moved_later, 0);
    const changes = (await get('/admin/estimate-changes')).body.changes;
    assert.deepEqual(changes.map((c: any) => [c.order_id, c.weeks_moved, c.direction,
      c.old_window.from, c.new_window.from]), [
      [orders[1], -1, 'earlier', '2025-07-21', '2025-07-14'],
      [orders[2], -2, 'earlier', '2025-07-28', '2025-07-14']]);
    assert.equal(changes[0].replan_id, r.body.replan.replan_id);
    const versions = (await get('/admin/production-plans/su7-2024/standard')).body.versions;
    assert.deepEqual(versions.map((v: any) => [v.version, v.reason, v.rates[0].units_per_week]),
      [[1, 'first plan', 1], [2, 'suppliers sped up', 3]]);
    // Re-planning again with nothing changed moves nothing.
    const again = await post('/admin/replans', { reason: 'check' });
    assert.equal(again.status, 201);
    assert.equal(again.body.replan.moved_earlier + again.body.replan.moved_later, 0);
    const after = (await get(`/admin/estimate-changes?after=${changes[1].change_id}`)).body;
    assert.deepEqual(after, { changes: [], next_after: null });
    // Each moved buyer was sent one message saying so, queued with the re-plan; the buyer whose
    // estimate stayed was sent none, and the re-plan that moved nothing added none.
    for (const [i, text] of [[1, '提前了1周'], [2, '提前了2周']] as const) {
      const moved = (await get(`/orders/${orders[i]}/messages`, tokens[i])).body.messages
        .filter((m: any) => m.kind === 'estimate_moved');
      assert.equal(moved.length, 1, `order ${i}: ${JSON.stringify(moved)}`);
      assert.match(moved[0].text, new RegExp(text));
    }
    const unmoved = (await get(`/orders/${orders[0]}/messages`, tokens[0])).body.messages;
    assert.equal(unmoved.filter((m: any) => m.kind === 'estimate_moved').length, 0);
  });

  it('a delivery centre that hands over one car a week moves estimates later', async () => {
    const r = await post('/admin/delivery-centres', CENTRE);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.body.centre.version, 1);
    assert.equal(r.body.replan.moved_later, 2);
    assert.deepEqual((await estimateOf(2)).window, { from: '2025-07-28', to: '2025-08-10' });
    const t = await post('/admin/delivery-centres', { ...CENTRE, city_id: 'tianjin',
      opens_on: '2025-09-01', served_by: 'beijing', reason: 'opens in September' });
    assert.equal(t.status, 201, JSON.stringify(t.body));
    const cities = (await h.call('GET', '/launches/su7-2024/delivery-cities')).body.cities;
    const city = (id: string) => cities.find((c: any) => c.city_id === id);
    assert.deepEqual(city('tianjin'), { city_id: 'tianjin', name: 'Tianjin', name_zh: '天津',
      centre_opens_on: '2025-09-01', served_by: 'beijing' });
    assert.equal(city('beijing').served_by, 'beijing');
    assert.equal(city('wuhan').served_by, null);
    assert.deepEqual((await get('/admin/delivery-centres')).body.centres.map((c: any) =>
      c.city_id), ['beijing', 'tianjin']);
    assert.equal((await get('/admin/delivery-centres/tianjin')).body.versions.length, 1);
  });

  it('the estimate shown in the reply to a lock is recorded', async () => {
    const r = await post(`/orders/${orders[3]}/lock`, { confirm: true }, tokens[3]);
    assert.equal(r.status, 200);
    // Fourth car, built the week of 14 July; the centre's queue reaches it the week of 4 August.
    assert.deepEqual(r.body.estimate.window, { from: '2025-08-04', to: '2025-08-17' });
    await h.ld.app.production.flushShown();
    const shown = await h.ld.app.deps.store.shownEstimates(orders[3]!);
    assert.deepEqual(shown.map((s) => [s.windowFrom, s.windowTo, s.occasion]),
      [['2025-08-04', '2025-08-17', 'lock']]);
    // A later re-plan takes the order in with the estimate it was shown: nothing moves.
    const again = await post('/admin/replans', { reason: 'new locks' });
    assert.equal(again.body.replan.orders_estimated, 4);
    assert.equal(again.body.replan.moved_earlier + again.body.replan.moved_later, 0);
    assert.deepEqual((await estimateOf(3)).window, { from: '2025-08-04', to: '2025-08-17' });
  });

  it('the truth audit compares each allocated car with the window shown at its lock',
    async () => {
      const cars = [0, 1, 2, 3].map((i) => ({ vin: withCheckCharacter(`LXMSU7AB0R000010${i}`),
        trim: 'standard' }));
      const r = await post('/admin/production-runs', { launch_id: 'su7-2024',
        built_on: '2025-07-30', cars, reason: 'week 31' });
      assert.deepEqual(r.body.allocated.map((a: any) => a.order_id), orders);
      // Only the fourth order was shown a plan's estimate at its lock (4-17 August); its car,
      // built the week of 28 July, can be handed over the week of 4 August: inside.
      assert.deepEqual((await get('/admin/truth-audit')).body, { allocated: 4, shown_at_lock: 1,
        inside: 1, share: 1 });
      // Scheduled orders have their cars: a re-plan that moves their estimates tells them nothing.
      const later = await post('/admin/production-plans', { ...PLAN, reason: 'slower',
        rates: [{ from: '2025-07-07', units_per_week: 1 }] });
      assert.equal(later.status, 201);
      assert.equal(later.body.replan.moved_earlier + later.body.replan.moved_later, 0);
    });

  it('the operator\'s reads: the plan week by week, the runs, one re-plan\'s changes',
    async () => {
      // One car a week from 7 July, four locked orders: built one a week for four weeks, then
      // four weeks more are shown; nothing is built beyond.
      const w = (await get('/admin/production-plans/su7-2024/standard/weeks')).body;
      assert.equal(w.version, 3);
      assert.equal(w.locked, 4);
      assert.equal(w.beyond, 0);
      assert.deepEqual(w.weeks.map((x: any) => [x.from, x.units_per_week, x.locked]), [
        ['2025-07-07', 1, 1], ['2025-07-14', 1, 1], ['2025-07-21', 1, 1], ['2025-07-28', 1, 1],
        ['2025-08-04', 1, 0], ['2025-08-11', 1, 0], ['2025-08-18', 1, 0], ['2025-08-25', 1, 0]]);
      assert.match(w.this_week, /^\d{4}-\d{2}-\d{2}$/);
      assert.equal((await get('/admin/production-plans/su7-2024/pro/weeks')).body.error.code,
        'plan_not_found');
      const runs = (await get('/admin/production-runs')).body;
      assert.equal(runs.more, false);
      assert.deepEqual(runs.runs.map((r: any) => [r.launch_id, r.built_on, r.recorded_by,
        r.allocated, r.pooled, r.cars.map((c: any) => c.order_id)]), [
        ['su7-2024', '2025-07-30', 'operator:admin', 4, 0, orders]]);
      const two = (await get('/admin/production-runs?limit=2')).body;
      assert.equal(two.more, true);
      assert.deepEqual(two.runs[0].cars.map((c: any) => c.order_id), orders.slice(2));
      // The re-plan that moved two estimates earlier, and only its changes.
      const replans = (await get('/admin/replans')).body.replans as any[];
      const faster = replans.find((r) => r.reason === 'suppliers sped up');
      const changes = (await get(`/admin/estimate-changes?replan_id=${faster.replan_id}`))
        .body.changes;
      assert.deepEqual(changes.map((c: any) => [c.order_id, c.direction]),
        [[orders[1], 'earlier'], [orders[2], 'earlier']]);
      const centre = replans.find((r) => r.cause === 'centre' && r.moved_later === 2);
      assert.deepEqual((await get(`/admin/estimate-changes?replan_id=${centre.replan_id}`))
        .body.changes.map((c: any) => c.direction), ['later', 'later']);
      const bad = await get('/admin/estimate-changes?replan_id=ord_1');
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error.code, 'invalid_request');
    });

  it('the replies are what openapi.json declares, with no field undeclared', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    const shared = doc.components.schemas;
    // References resolved, and every object that declares properties closed to others.
    const strict = (schema: unknown): never => JSON.parse(JSON.stringify(schema), (_k, v) => {
      const ref = v?.$ref;
      if (typeof ref === 'string') return strict(shared[ref.replace('#/components/schemas/', '')]);
      return v && typeof v === 'object' && !Array.isArray(v) && v.properties
        ? { ...v, additionalProperties: false } : v;
    }) as never;
    const calls: Array<[string, string, Reply]> = [
      ['get', '/admin/production-plans', await get('/admin/production-plans')],
      ['get', '/admin/production-plans/{launch_id}/{trim}',
        await get('/admin/production-plans/su7-2024/standard')],
      ['get', '/admin/delivery-centres', await get('/admin/delivery-centres')],
      ['get', '/admin/delivery-centres/{city_id}', await get('/admin/delivery-centres/beijing')],
      ['get', '/admin/replans', await get('/admin/replans')],
      ['post', '/admin/replans', await post('/admin/replans', { reason: 'schema check' })],
      ['get', '/admin/estimate-changes', await get('/admin/estimate-changes?limit=5')],
      ['get', '/admin/truth-audit', await get('/admin/truth-audit')],
      ['get', '/admin/ready-stock', await get('/admin/ready-stock')],
      ['get', '/admin/production-plans/{launch_id}/{trim}/weeks',
        await get('/admin/production-plans/su7-2024/standard/weeks')],
      ['get', '/admin/production-runs', await get('/admin/production-runs')],
      ['get', '/launches/{launch_id}/delivery-cities',
        await h.call('GET', '/launches/su7-2024/delivery-cities')],
      ['get', '/launches/{launch_id}/estimate',
        await h.call('GET', '/launches/su7-2024/estimate?trim=standard&city=beijing')],
      ['get', '/orders/{order_id}', await get(`/orders/${orders[0]}`, tokens[0])],
    ];
    assert.ok(calls.at(-1)![2].body.vehicle, 'an order with its car and a planned estimate');
    for (const [method, path, r] of calls) {
      const declared = doc.paths[path]?.[method]?.responses[String(r.status)]
        ?.content?.['application/json']?.schema;
      assert.ok(declared, `${method} ${path} ${r.status} is declared`);
      const check = compileReply(strict(declared));
      assert.ok(check(r.body), `${method} ${path}: ${JSON.stringify(check.errors)}`);
    }
  });

  it('every change is in the audit log under the operator\'s name', async () => {
    const log = (await get('/admin/audit-log')).body.entries as any[];
    const actions = log.map((e) => e.action);
    for (const a of ['production_plan_changed', 'delivery_centre_changed', 'replanned',
      'production_run_recorded']) {
      assert.ok(actions.includes(a), a);
    }
  });
});

describe('production runs: built cars allocated in queue order', () => {
  let h: Harness;
  const orders: Record<string, string> = {};
  const tokens: Record<string, string> = {};
  const vin = (n: number): string => withCheckCharacter(`LXMSU7AB0R${String(n).padStart(7, '0')}`);
  const run = (cars: unknown[], extra: Record<string, unknown> = {}) =>
    h.call('POST', '/admin/production-runs', { token: ADMIN, body: { launch_id: 'su7-2024',
      built_on: '2025-08-01', cars, reason: 'week 31', ...extra } });
  const std = (n: number) => ({ vin: vin(n), trim: 'standard', options: [] });

  before(async () => {
    h = await harness();
    // Locked in this order: a1, green (another colour), a2; b stays firm.
    for (const [i, [name, options]] of ([['a1', []], ['green', ['colour-verdant-green']],
      ['a2', []], ['b', []]] as Array<[string, string[]]>).entries()) {
      const buyer = await h.buyer(100 + i);
      tokens[name] = buyer.token;
      const o = await h.order(buyer.token, name, { ...SU7, options });
      assert.equal(o.status, 201, JSON.stringify(o.body));
      orders[name] = o.body.order_id;
      if (name !== 'b') {
        await h.call('POST', `/orders/${o.body.order_id}/lock`, { token: buyer.token,
          body: { confirm: true } });
      }
    }
  });
  after(() => h.close());

  it('refuses bad runs with a clear code, writing nothing', async () => {
    const bad: Array<[unknown[], Record<string, unknown>, number, string]> = [
      [[{ ...std(1), vin: vin(1).replace(/.$/, (c) => (c === '0' ? '1' : '0')) }], {}, 422,
        'invalid_vin'],
      [[{ ...std(1), vin: 'LXMSU7AB0R000000' }], {}, 422, 'invalid_vin'],
      [[{ ...std(1), vin: 'LXMSI7AB0R0000001' }], {}, 422, 'invalid_vin'],
      [[], {}, 422, 'invalid_request'],
      [Array.from({ length: defaultLimits.carsPerRunMax + 1 }, (_, i) => std(i)), {}, 422,
        'invalid_request'],
      [[std(1), std(1)], {}, 422, 'invalid_request'],
      [[{ ...std(1), trim: 'turbo' }], {}, 422, 'unknown_trim'],
      [[{ ...std(1), options: ['colour-gold'] }], {}, 422, 'unknown_option'],
      [[std(1)], { built_on: '2025-13-01' }, 422, 'invalid_request'],
      [[std(1)], { launch_id: 'su9' }, 404, 'launch_not_found'],
      [[std(1)], { reason: ' ' }, 422, 'reason_required'],
    ];
    for (const [cars, extra, status, code] of bad) {
      const digest = storeDigest(h.dir);
      const r = await run(cars, extra);
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      assert.deepEqual(storeDigest(h.dir), digest, 'a refusal writes nothing');
    }
  });

  it('gives each car to the first locked order of its configuration; the rest to stock',
    async () => {
      const r = await run([std(1), std(2), std(3)]);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.deepEqual(r.body, { recorded: 3, already_recorded: 0,
        allocated: [{ vin: vin(1), order_id: orders.a1 }, { vin: vin(2), order_id: orders.a2 }],
        pooled: [vin(3)] });
      const a1 = (await h.call('GET', `/orders/${orders.a1}`, { token: tokens.a1 })).body;
      assert.equal(a1.stage, 'scheduled');
      assert.deepEqual(a1.vehicle, { vin: vin(1), built_on: '2025-08-01' });
      const green = (await h.call('GET', `/orders/${orders.green}`,
        { token: tokens.green })).body;
      assert.equal(green.stage, undefined);
      assert.equal(green.vehicle, undefined);
      const stock = (await h.call('GET', '/admin/ready-stock', { token: ADMIN })).body.cars;
      assert.deepEqual(stock.map((c: any) => [c.vin, c.pooled, c.order_id]),
        [[vin(3), true, null]]);
    });

  it('a run sent again records and allocates nothing more', async () => {
    const r = await run([std(1), std(2), std(3)]);
    assert.deepEqual(r.body, { recorded: 0, already_recorded: 3, allocated: [], pooled: [] });
    // Each allocated buyer was told once, with the VIN; the re-sent run told nobody again.
    for (const [name, n] of [['a1', 1], ['a2', 2]] as const) {
      const scheduled = (await h.call('GET', `/orders/${orders[name]}/messages`,
        { token: tokens[name] })).body.messages.filter((m: any) => m.kind === 'order_scheduled');
      assert.equal(scheduled.length, 1, `${name}: ${JSON.stringify(scheduled)}`);
      assert.ok(scheduled[0].text.includes(vin(n)), scheduled[0].text);
    }
    const conflict = await run([{ ...std(1), options: ['colour-verdant-green'] }]);
    assert.equal(conflict.body.error.code, 'vin_conflict');
  });

  it('a car of a configuration someone waits for goes to them, even in a later run', async () => {
    const r = await run([std(4), { vin: vin(5), trim: 'standard',
      options: ['colour-verdant-green'] }]);
    assert.deepEqual(r.body.allocated, [{ vin: vin(5), order_id: orders.green }]);
    assert.deepEqual(r.body.pooled, [vin(4)]);
  });
});
