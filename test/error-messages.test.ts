// Refusals that say what to do (issue #16's error messages): a handover with a confirmation
// left out is `handover_unconfirmed` naming it (not `invalid_request`); a VIN of the right shape
// with a wrong check character names the character expected (ISO 3779); a cancelled order's car
// that went on to the next order is refused for ready stock saying so. A refusal of a value the
// caller sent (a trim, city, launch, variant or price item it named) names that value.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { SandboxPaymentProvider } from '../src/payments/index.js';
import { vinCheckCharacter, withCheckCharacter } from '../src/production/vin.js';
import { scheduledOrder, SU7 } from './delivery-fixtures.js';
import { ADMIN, harness, type Harness } from './harness.js';

describe('refusals that name their reason', () => {
  let h: Harness;
  before(async () => {
    h = await harness({}, new SandboxPaymentProvider({ notifyDelayMs: [0, 0],
      random: () => 0.99, lostCollectionNoticeShare: 1 }));
  });
  after(() => h.close());

  it('a handover without keys_given is handover_unconfirmed, naming what is missing',
    async () => {
      const o = await scheduledOrder(h, 1, 1);
      const handover = (body: unknown) => h.call('POST', `/admin/orders/${o.orderId}/handover`,
        { token: ADMIN, body });
      for (const [body, missing] of [[{ inspection_confirmed: true }, '"keys_given"'],
        [{ keys_given: true }, '"inspection_confirmed"'],
        [{}, '"inspection_confirmed" and "keys_given"']] as const) {
        const r = await handover(body);
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.equal(r.body.error.code, 'handover_unconfirmed');
        assert.match(r.body.error.message, new RegExp(`Not confirmed: ${missing}\\.`));
      }
      // A wrong type is still a malformed request.
      assert.equal((await handover({ inspection_confirmed: true, keys_given: 'yes' })).body
        .error.code, 'invalid_request');
      // Both confirmed: the handover's own rules apply (here: no appointment yet).
      assert.equal((await handover({ inspection_confirmed: true, keys_given: true })).body
        .error.code, 'appointment_not_found');
    });

  it('invalid_vin names the check character the VIN calls for', async () => {
    const good = withCheckCharacter('LXMSU7AB0R0000099');
    const wrong = good.slice(0, 8) + (good[8] === '1' ? '2' : '1') + good.slice(9);
    const run = (vin: string) => h.call('POST', '/admin/production-runs', { token: ADMIN,
      body: { launch_id: 'su7-2024', built_on: '2025-08-01', reason: 'run',
        cars: [{ vin, trim: 'standard', options: [] }] } });
    const r = await run(wrong);
    assert.equal(r.body.error.code, 'invalid_vin');
    assert.match(r.body.error.message, new RegExp(`call for "${vinCheckCharacter(good)}"`));
    const malformed = await run('LXMSI7AB0R0000001');
    assert.equal(malformed.body.error.code, 'invalid_vin');
    assert.doesNotMatch(malformed.body.error.message, /call for/);
    assert.match(malformed.body.error.message, /without I, O and Q/);
  });

  it('ready_car_not_listable says a cancelled order\'s car went on to the next order',
    async () => {
      const b1 = await h.buyer(11);
      const b2 = await h.buyer(12);
      const o1 = (await h.order(b1.token, 'a', SU7)).body.order_id;
      const o2 = (await h.order(b2.token, 'b', SU7)).body.order_id;
      for (const [t, o] of [[b1.token, o1], [b2.token, o2]]) {
        await h.call('POST', `/orders/${o}/lock`, { token: t, body: { confirm: true } });
      }
      const vin = withCheckCharacter('LXMSU7AB0R0000077');
      const run = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
        launch_id: 'su7-2024', built_on: '2025-08-01', reason: 'run',
        cars: [{ vin, trim: 'standard', options: [] }] } });
      const first = run.body.allocated[0].order_id;
      const [token, next] = first === o1 ? [b1.token, o2] : [b2.token, o1];
      const c = await h.call('POST', `/orders/${first}/cancel`, { token,
        body: { accept_forfeit: true } });
      assert.equal(c.status, 200, JSON.stringify(c.body));
      const list = () => h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
        body: { vin, city: 'beijing' } });
      // The cancel gave the car back: it waits for the next allocation (it was read as "not
      // the car of a cancelled order").
      const r = await list();
      assert.equal(r.body.error.code, 'ready_car_not_listable');
      assert.match(r.body.error.message, /waits for the next allocation \(its order was cancelled/);
      // The next run's allocation gives it to the order waiting.
      const again = await h.call('POST', '/admin/production-runs', { token: ADMIN, body: {
        launch_id: 'su7-2024', built_on: '2025-08-02', reason: 'run',
        cars: [{ vin: withCheckCharacter('LXMSU7AB0R0000079'), trim: 'max', options: [] }] } });
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.match((await list()).body.error.message,
        new RegExp(`allocated to order ${next} \\(scheduled\\)`));
      const unknown = await h.call('POST', '/admin/ready-stock/listings', { token: ADMIN,
        body: { vin: withCheckCharacter('LXMSU7AB0R0000078'), city: 'beijing' } });
      assert.match(unknown.body.error.message, /No production run recorded a car/);
    });
});


describe('refusals of a value the caller sent name that value', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(() => h.close());

  // One row a refusal: the request, its code, and what the message must say. Each used to be
  // the catalogue's sentence alone ("This launch has no such trim"), naming no value.
  const admin = (method: string, path: string, body?: unknown) => () =>
    h.call(method, path, { token: ADMIN, body });
  const rows: Array<[string, () => Promise<any>, string, RegExp]> = [
    ['a capacity for a trim the launch lacks', admin('PATCH', '/admin/launches/yu7-2025',
      { capacity_per_week: { max: 10, maxx: 10 } }), 'unknown_trim',
    new RegExp('^"capacity_per_week" names the trim "maxx", which yu7-2025 does not have; '
      + 'its trims are standard, pro, max\\.$')],
    ['an estimate for an unknown trim', () => h.call('GET',
      '/launches/yu7-2025/estimate?trim=maxx'), 'unknown_trim',
    /no trim "maxx"; pick one of standard, pro, max/],
    ['an estimate for an unknown city', () => h.call('GET',
      '/launches/yu7-2025/estimate?trim=max&city=atlantis'), 'unknown_city',
    /does not deliver to the city "atlantis"; it delivers to beijing, /],
    ['a plan for an unknown trim', admin('POST', '/admin/production-plans',
      { launch_id: 'yu7-2025', trim: 'maxx', reason: 'r',
        rates: [{ from: '2025-07-01', units_per_week: 10 }] }), 'unknown_trim',
    /^yu7-2025 has no trim "maxx"; its trims are standard, pro, max\.$/],
    ['a plan for an unknown launch', admin('POST', '/admin/production-plans',
      { launch_id: 'yu8', trim: 'max', reason: 'r',
        rates: [{ from: '2025-07-01', units_per_week: 10 }] }), 'launch_not_found',
    /^"launch_id": there is no launch "yu8"; GET \/launches lists them\.$/],
    ['a run for an unknown launch', admin('POST', '/admin/production-runs',
      { launch_id: 'yu8', built_on: '2025-08-01', reason: 'r',
        cars: [{ vin: withCheckCharacter('LXMSU7AB0R0000011'), trim: 'max' }] }),
    'launch_not_found', /^"launch_id": there is no launch "yu8"/],
    ['a centre where no launch delivers', admin('POST', '/admin/delivery-centres',
      { city_id: 'atlantis', handovers_per_week: 10, opens_on: '2025-09-01', reason: 'r' }),
    'unknown_city', /^No launch delivers to the city "atlantis"/],
    ['a centre served by what is no city id', admin('POST', '/admin/delivery-centres',
      { city_id: 'beijing', handovers_per_week: 10, opens_on: '2025-09-01', reason: 'r',
        served_by: 'Tian Jin' }), 'unknown_city', /^"served_by" "Tian Jin" is not a city id/],
    ['a price for an unknown trim', admin('POST', '/admin/launches/yu7-2025/price-versions',
      { item_kind: 'trim', item_id: 'maxx', price_fen: 300_000_00, reason: 'r' }),
    'unknown_price_item', /^Xiaomi YU7 has no trim "maxx"; pick one from its catalogue/],
    ['a window from an unknown launch', admin('POST', '/admin/change-windows',
      { from_launch_id: 'yu8', opens_at: '2025-07-01T00:00:00Z',
        closes_at: '2025-07-02T00:00:00Z', allows: ['city'] }), 'launch_not_found',
    /^"from_launch_id": there is no launch "yu8"/],
    ['a window to an unknown launch', admin('POST', '/admin/change-windows',
      { from_launch_id: 'su7-2024', to_launch_id: 'yu8', opens_at: '2025-07-01T00:00:00Z',
        closes_at: '2025-07-02T00:00:00Z', allows: ['model'] }), 'launch_not_found',
    /^"to_launch_id": there is no launch "yu8"/],
    ['flagged orders of an unknown launch', admin('POST', '/admin/suspicious/cancel',
      { launch_id: 'yu8', order_ids: ['ord_x'], reason: 'r' }), 'launch_not_found',
    /^"launch_id": there is no launch "yu8"/],
    ['an order for an unknown launch', async () => h.order((await h.buyer(1)).token, 'k1',
      { launch_id: 'yu8', trim: 'max', options: [], city: 'beijing' }), 'launch_not_found',
    /^"launch_id": there is no launch "yu8"/],
    ['a drop purchase of an unknown variant', async () => h.call('POST',
      '/drops/jacket/purchases', { token: (await h.buyer(2)).token, body: { variant: 'xl' },
        headers: { 'idempotency-key': 'k2' } }), 'unknown_variant',
    /^The drop jacket has no variant "xl"; its variants are s, m\.$/],
    ['a waitlist for an unknown variant', async () => h.call('POST', '/drops/jacket/waitlist',
      { token: (await h.buyer(3)).token, body: { variant: 'xl' } }), 'unknown_variant',
    /^The drop jacket has no variant "xl"/],
  ];

  it('each names the field or value it refuses', async () => {
    const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN, body: {
      name: 'Jacket', name_zh: '夹克', kind: 'merch', price_fen: 129_900,
      opens_at: '2030-01-01T00:00:00Z', per_account_limit: 2, per_identity_limit: 2,
      variants: ['s', 'm'].map((v) => ({ variant: v, name: v, name_zh: v, quantity: 1 })) } });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));
    for (const [what, call, code, message] of rows) {
      const r = await call();
      assert.equal(r.body.error?.code, code, `${what}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, message, what);
    }
  });

  it('a long value is named by its first 64 characters, in quotes', async () => {
    const long = 'x'.repeat(500);
    const r = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
      body: { capacity_per_week: { [long]: 10 } } });
    assert.equal(r.body.error.code, 'unknown_trim');
    assert.ok(r.body.error.message.includes(`"${'x'.repeat(64)}…"`), r.body.error.message);
    assert.ok(!r.body.error.message.includes('x'.repeat(65)), r.body.error.message);
    // Cut at whole code points: the 64th character is an emoji, two UTF-16 units.
    const emoji = `${'x'.repeat(63)}\u{1F600}${'y'.repeat(10)}`;
    const e = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
      body: { capacity_per_week: { [emoji]: 10 } } });
    assert.ok(e.body.error.message.includes(`"${'x'.repeat(63)}\u{1F600}…"`), e.body.error.message);
  });
});
