// Every code in the catalogue, provoked through HTTP: the right status, the code, a message, and
// nothing changed. A code added to the catalogue without a row here fails the last test.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { renderErrorsDoc } from '../src/kernel/errors-doc.js';
import { outcomes, type OutcomeCode } from '../src/kernel/outcomes.js';
import { SandboxPaymentProvider, type PaymentProvider } from '../src/payments/payments.js';
import type { SandboxSmsSender } from '../src/accounts/sms.js';
import { syntheticIdentity } from '../src/accounts/identity.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';

const SU7 = { launch_id: 'su7-2024', trim: 'pro', options: [], city: 'wuhan' };

interface Setup {
  h: Harness;
  buyer: string;
  other: string;
  declined: string;
  firm: string;
  locked: string;
  cancelled: string;
}

const post = (s: Setup, path: string, body: unknown, token?: string) =>
  s.h.call('POST', path, { body, ...(token ? { token } : {}) });
const id = syntheticIdentity(1);

const rows: Array<[OutcomeCode, (s: Setup) => Promise<Reply>]> = [
  ['invalid_json', (s) => s.h.call('POST', '/accounts', { raw: '{"phone": ',
    headers: { 'content-type': 'application/json' } })],
  ['body_too_large', (s) => s.h.call('POST', '/accounts', { raw: `"${'x'.repeat(20_000)}"`,
    headers: { 'content-type': 'application/json' } })],
  ['unsupported_media_type', (s) => s.h.call('POST', '/accounts', { raw: 'phone=1',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } })],
  ['invalid_request', (s) => post(s, '/accounts',
    { phone: 13800000000, name: 'x', id_number: 'y' })],
  ['route_not_found', (s) => s.h.call('GET', '/no-such-thing')],
  ['method_not_allowed', (s) => s.h.call('DELETE', '/launches')],
  ['unauthorized', (s) => s.h.call('GET', '/orders', { token: 'ldt_not-a-token' })],
  ['admin_only', (s) => s.h.call('GET', '/admin/audit-log', { token: s.buyer })],
  ['invalid_phone', (s) => post(s, '/accounts', { phone: '12800000000', name: 'x',
    id_number: id.idNumber })],
  ['invalid_name', (s) => post(s, '/accounts', { phone: '13912345678', name: '   ',
    id_number: syntheticIdentity(99).idNumber })],
  ['invalid_id_number', (s) => post(s, '/accounts', { phone: '13912345678', name: 'x',
    id_number: '11010519491331002X' })],
  ['id_number_check_mismatch', (s) => post(s, '/accounts', { phone: '13912345678', name: 'x',
    id_number: '110105194912310021' })],
  ['phone_taken', (s) => post(s, '/accounts', { phone: id.phone, name: 'x',
    id_number: syntheticIdentity(99).idNumber })],
  ['id_number_taken', (s) => post(s, '/accounts', { phone: '13912345678', name: 'x',
    id_number: id.idNumber })],
  ['code_invalid', (s) => post(s, '/sessions', { phone: id.phone, code: '000000' })],
  ['too_many_attempts', async (s) => {
    const phone = syntheticIdentity(4).phone;
    await post(s, '/sessions/code', { phone });
    await s.h.ld.app.accounts.sessions.codesIssued();
    // The code as the sandbox "texted" it: replies never carry it.
    const texted = (s.h.ld.app.deps.sms as SandboxSmsSender).sent.get(phone)!;
    const code = /code is (\d{6})/.exec(texted)![1]!;
    const wrong = code === '999999' ? '999998' : '999999';
    for (let i = 0; i < 5; i++) await post(s, '/sessions', { phone, code: wrong });
    return post(s, '/sessions', { phone, code });
  }],
  ['rate_limited', async (s) => {
    const phone = syntheticIdentity(5).phone;
    for (let i = 0; i < 5; i++) await post(s, '/sessions/code', { phone });
    return post(s, '/sessions/code', { phone });
  }],
  ['account_not_found', (s) => post(s, '/admin/accounts/acc_nope/sessions/revoke',
    { reason: 'test' }, ADMIN)],
  ['session_not_found', (s) => s.h.call('DELETE', '/sessions/0000000000000000',
    { token: s.buyer })],
  ['operator_exists', (s) => post(s, '/admin/operators', { name: 'admin' }, ADMIN)],
  ['operator_not_found', (s) => post(s, '/admin/operators/nobody/rotate', {}, ADMIN)],
  ['reason_required', (s) => post(s, `/admin/orders/${s.firm}/refund`, {}, ADMIN)],
  ['launch_not_found', (s) => s.h.call('GET', '/launches/su9-2030')],
  ['sales_not_open', (s) => s.h.order(s.other, 'k', { ...SU7, launch_id: 'yu7-2025', trim: 'max',
    city: 'beijing' })],
  ['unknown_trim', (s) => s.h.order(s.other, 'k', { ...SU7, trim: 'ultra' })],
  ['unknown_option', (s) => s.h.order(s.other, 'k', { ...SU7, options: ['colour-gold'] })],
  ['option_conflict', (s) => s.h.order(s.other, 'k', { ...SU7,
    options: ['colour-aqua-blue', 'colour-mineral-grey'] })],
  ['unknown_city', (s) => s.h.order(s.other, 'k', { ...SU7, city: 'lhasa' })],
  ['per_account_limit_reached', (s) => s.h.order(s.buyer, 'third', SU7)],
  ['idempotency_key_missing', (s) => post(s, '/orders', SU7, s.other)],
  ['idempotency_key_reused', (s) => s.h.order(s.buyer, 'first', { ...SU7, trim: 'max' })],
  ['payment_declined', (s) => s.h.order(s.declined, 'k', SU7)],
  ['order_not_found', (s) => s.h.call('GET', '/orders/ord_nope', { token: s.buyer })],
  ['lock_needs_confirmation', (s) => post(s, `/orders/${s.firm}/lock`, {}, s.buyer)],
  ['order_already_locked', (s) => post(s, `/orders/${s.locked}/lock`, { confirm: true }, s.buyer)],
  ['order_cancelled', (s) => post(s, `/orders/${s.cancelled}/cancel`, {}, s.other)],
  ['forfeit_not_accepted', (s) => post(s, `/orders/${s.locked}/cancel`, {}, s.buyer)],
  ['order_not_firm', (s) => post(s, `/admin/orders/${s.locked}/refund`, { reason: 'test' },
    ADMIN)],
  ['nothing_to_change', (s) => post(s, `/orders/${s.firm}/change`, {}, s.buyer)],
  ['change_window_closed', (s) => post(s, `/orders/${s.locked}/change`, { trim: 'max' }, s.buyer)],
  ['change_not_allowed', async (s) => {
    await post(s, '/admin/change-windows', { from_launch_id: 'su7-2024', allows: ['colour'],
      opens_at: '2025-01-01T00:00:00Z', closes_at: '2025-12-31T00:00:00Z' }, ADMIN);
    return post(s, `/orders/${s.locked}/change`, { trim: 'max' }, s.buyer);
  }],
  ['signature_invalid', (s) => s.h.call('POST', '/payments/notifications', {
    raw: JSON.stringify({ event_id: 'evt_x', type: 'refund.succeeded', reference: 'dep_x' }),
    headers: { 'content-type': 'application/json', 'payment-signature': `t=${Date.now()},v1=${
      '0'.repeat(64)}` } })],
  ['change_window_not_found', (s) => post(s, '/admin/change-windows/win_nope/close', {}, ADMIN)],
  ['notification_not_found', (s) => s.h.call('GET', '/admin/notifications/ntf_nope',
    { token: ADMIN })],
  ['invalid_change_window', (s) => post(s, '/admin/change-windows', { from_launch_id: 'su7-2024',
    allows: ['paint'], opens_at: '2025-01-01T00:00:00Z', closes_at: '2025-12-31T00:00:00Z' },
  ADMIN)],
  ['delivery_city_not_found', (s) => s.h.call('GET', '/admin/delivery-slots/atlantis',
    { token: ADMIN })],
  ['plan_not_found', (s) => s.h.call('GET', '/admin/production-plans/su7-2024/pro',
    { token: ADMIN })],
  ['invalid_vin', (s) => post(s, '/admin/production-runs', { launch_id: 'su7-2024',
    built_on: '2025-07-01', cars: [{ vin: '1M8GDM9A1KP042788', trim: 'pro' }],
    reason: 'test' }, ADMIN)],
  ['vin_conflict', async (s) => {
    const run = (options: string[]) => post(s, '/admin/production-runs', {
      launch_id: 'su7-ultra-2025', built_on: '2025-07-01',
      cars: [{ vin: '1M8GDM9AXKP042788', trim: 'ultra', options }], reason: 'test' }, ADMIN);
    assert.equal((await run([])).status, 201);
    return run(['colour-pearl-white']);
  }],
  ['centre_not_found', (s) => post(s, '/admin/delivery-centres', { city_id: 'wuhan',
    handovers_per_week: 100, opens_on: '2024-04-20', served_by: 'beijing', reason: 'test' },
  ADMIN)],
];

/** What a refusal must leave alone: every launch's figures and every buyer's orders. */
async function snapshot(s: Setup): Promise<string> {
  const parts: unknown[] = [];
  for (const l of ['su7-2024', 'yu7-2025', 'su7-ultra-2025']) {
    const { as_of: _, ...stats } = (await s.h.call('GET', `/launches/${l}/stats`)).body;
    parts.push(stats);
  }
  for (const t of [s.buyer, s.other, s.declined]) {
    parts.push((await s.h.call('GET', '/orders', { token: t })).body.orders
      .map((o: any) => [o.order_id, o.status, o.trim, o.city, o.options, o.queue]));
  }
  return JSON.stringify(parts);
}

describe('every error code', () => {
  const s = {} as Setup;
  const declinePayers = new Set<string>();
  before(async () => {
    s.h = await harness({}, new SandboxPaymentProvider({ declinePayers }));
    s.buyer = (await s.h.buyer(1)).token;
    s.other = (await s.h.buyer(2)).token;
    const declined = await s.h.buyer(3);
    s.declined = declined.token;
    declinePayers.add(declined.accountId);
    await s.h.buyer(4);
    s.firm = (await s.h.order(s.buyer, 'first', SU7)).body.order_id;
    s.locked = (await s.h.order(s.buyer, 'second', SU7)).body.order_id;
    await post(s, `/orders/${s.locked}/lock`, { confirm: true }, s.buyer);
    s.cancelled = (await s.h.order(s.other, 'gone', SU7)).body.order_id;
    await post(s, `/orders/${s.cancelled}/cancel`, {}, s.other);
  });
  after(() => s.h.close());

  for (const [code, run] of rows) {
    it(code, async () => {
      const before = await snapshot(s);
      const r = await run(s);
      assert.equal(r.status, outcomes[code].status, JSON.stringify(r.body));
      assert.equal(r.body.error.code, code);
      assert.ok(r.body.error.message.length > 10, 'a message a person can act on');
      assert.equal(await snapshot(s), before, 'a refusal changes nothing');
    });
  }
});

describe('codes that need a particular launchday', () => {
  it('overloaded: the excess is answered at once with 503 and Retry-After', async () => {
    const h = await harness({ LAUNCHDAY_PENDING_COMMANDS_MAX: '4',
      LAUNCHDAY_BATCH_COMMANDS_MAX: '4' });
    try {
      const buyers = [];
      for (let i = 0; i < 40; i++) buyers.push(await h.buyer(100 + i));
      const replies = await Promise.all(buyers.map((b) => h.order(b.token, 'k', SU7)));
      const refused = replies.filter((r) => r.status === 503);
      assert.ok(refused.length > 0, 'some requests found the queue full');
      for (const r of refused) {
        assert.equal(r.body.error.code, 'overloaded');
        assert.equal(r.headers['retry-after'], '1');
      }
      const accepted = replies.filter((r) => r.status === 201).length;
      assert.equal(accepted + refused.length, 40);
      const stats = (await h.call('GET', '/launches/su7-2024/stats')).body;
      assert.equal(stats.orders.firm, accepted, 'every 201 is counted, no 503 is');
    } finally {
      await h.close();
    }
  });

  it('clock_not_simulated: the real clock cannot be moved', async () => {
    const h = await harness({ LAUNCHDAY_CLOCK: 'real' });
    try {
      const r = await h.tick(60);
      assert.equal(r.status, 409);
      assert.equal(r.body.error.code, 'clock_not_simulated');
    } finally {
      await h.close();
    }
  });

  it('internal_error: a payment provider that fails gives 500 and no order', async () => {
    const broken: PaymentProvider = {
      charge: async () => { throw new Error('provider unreachable'); },
      refund: async () => {},
      void: async () => {},
      refundStatus: async () => ({ status: 'unknown' }),
      heldCharges: async () => [],
      ledgerId: 'broken',
    };
    const h = await harness({}, broken as SandboxPaymentProvider);
    try {
      const b = await h.buyer(1);
      const r = await h.order(b.token, 'k', SU7);
      assert.equal(r.status, 500);
      assert.equal(r.body.error.code, 'internal_error');
      assert.equal((await h.call('GET', '/orders', { token: b.token })).body.orders.length, 0);
    } finally {
      await h.close();
    }
  });

  it('every code in the catalogue has a test and a line in docs/errors.md', () => {
    const tested = new Set<string>([...rows.map(([c]) => c), 'overloaded', 'clock_not_simulated',
      'internal_error',
      // test/postgres-outage.test.ts and test/sqlite-disk-full.test.ts
      'store_unavailable',
      // src/kernel/store/store-unavailable.test.ts (a connection lost during COMMIT)
      'commit_unknown',
      // test/drop-routes.test.ts
      'drop_not_found', 'drop_not_open', 'drop_sold_out', 'drop_limit_reached', 'unknown_variant',
      'invalid_drop', 'drop_already_open', 'hold_not_found', 'hold_expired', 'hold_closed',
      'waitlist_not_needed', 'waitlist_full',
      // test/pricebooks-routes.test.ts
      'unknown_price_item', 'invalid_price_change', 'ready_car_not_found', 'ready_car_taken',
      'ready_car_not_listable', 'ready_sale_not_found', 'ready_hold_expired',
      'ready_sale_not_payable', 'ready_balance_overdue',
      // test/protection-rerun.test.ts
      'price_version_not_found', 'price_version_not_applied',
      // test/waiting-room-routes.test.ts
      'waiting_room_not_found', 'invalid_waiting_room', 'waiting_room_not_open',
      'waiting_ticket_invalid', 'waiting_ticket_expired', 'too_many_tickets',
      'waiting_room_pass_required', 'waiting_room_pass_invalid', 'waiting_pass_not_found',
      'waiting_ticket_not_found', 'waiting_room_pass_in_use', 'waiting_room_settings_fixed',
      'waiting_ticket_not_in_line',
      // test/waiting-room-truth.test.ts
      'waiting_pass_not_active',
      // test/waiting-room-gated-routes.test.ts
      'opening_held_by_waiting_room', 'waiting_room_pass_other_account',
      'waiting_room_opening_passed',
      // test/waiting-room-truth.test.ts
      'waiting_room_not_shuffled',
      // test/live.test.ts (a stream over its viewer limit; node:http only)
      'live_viewers_full',
      // test/deliveries.test.ts
      'delivery_not_started', 'delivery_not_ready', 'balance_outstanding', 'balance_covered',
      'balance_part_invalid', 'balance_parts_limit', 'deferral_not_allowed', 'deferral_too_long',
      'slot_invalid', 'slot_full', 'appointment_not_found', 'appointment_not_due',
      'already_delivered', 'handover_unconfirmed',
      // test/well-formed-text.test.ts
      'text_not_well_formed']);
    // Refused on the socket before a request exists, or for the body's coding; tested in
    // test/protocol-edges.test.ts, and too_many_connections in test/connection-limit.test.ts.
    for (const c of ['malformed_request', 'request_timeout', 'headers_too_large',
      'too_many_connections', 'transfer_coding_unsupported', 'content_encoding_unsupported']) {
      tested.add(c);
    }
    assert.deepEqual(Object.keys(outcomes).filter((c) => !tested.has(c)), []);
    assert.equal(readFileSync('docs/errors.md', 'utf8'), renderErrorsDoc(),
      'docs/errors.md is stale: run npm run docs:errors');
  });
});
