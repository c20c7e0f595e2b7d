// Refusals that say what to do (issue #16's error messages): a handover with a confirmation
// left out is `handover_unconfirmed` naming it (not `invalid_request`); a VIN of the right shape
// with a wrong check character names the character expected (ISO 3779); a cancelled order's car
// that went on to the next order is refused for ready stock saying so.
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

