// Deliveries through HTTP, as lifecycle tables (one command per row, the expected status and
// code beside it, time moved by `tick`): from a car allocated to the keys handed over, with the
// balance paid in parts through the sandbox provider's asynchronous signed notifications; the
// deadline's reminder, notice, grace and release, each message once; a deferral that gives the
// car to the next order and then to ready stock; no-shows; and money that adds up to the fen.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxPaymentProvider } from '../src/payments/index.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';
import { dropSchema, postgresUrl, testSchema, withPostgres } from './postgres.js';

const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'beijing' };
const DAY = 86_400;

/** A sandbox that answers at once, never late, never twice, never failing: a table's rows. */
const promptPayments = () => new SandboxPaymentProvider({ notifyDelayMs: [0, 0],
  random: () => 0.99 });

interface Row {
  readonly what: string;
  readonly call: () => Promise<Reply>;
  readonly status: number;
  readonly code?: string;
  readonly check?: (r: Reply) => void | Promise<void>;
}

async function runTable(rows: readonly Row[]): Promise<void> {
  for (const row of rows) {
    const r = await row.call();
    const what = `${row.what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`;
    assert.equal(r.status, row.status, what);
    if (row.code !== undefined) assert.equal(r.body?.error?.code, row.code, what);
    await row.check?.(r);
  }
}

/** The whole suite on one store: `env` names it, `cleanup` removes what it wrote. */
function deliveriesSuite(name: string, env: Record<string, string>,
  cleanup: () => Promise<void>): void {
  describe(`deliveries on ${name}: from scheduled to delivered`, () => {
    let h: Harness;
    let seq = 0;
    const vin = (): string => withCheckCharacter(`LXMSU7AB0R${String(++seq).padStart(7, '0')}`);
    const as = (token: string) => ({
      get: (path: string) => h.call('GET', path, { token }),
      post: (path: string, body: unknown = {}, key?: string) => h.call('POST', path, { token, body,
        ...(key ? { headers: { 'idempotency-key': key } } : {}) }),
      put: (path: string, body: unknown) => h.call('PUT', path, { token, body }),
    });
    const admin = () => as(ADMIN);
    const run = (n: number) => admin().post('/admin/production-runs', { launch_id: 'su7-2024',
      built_on: '2025-08-01', reason: 'a week\'s run',
      cars: Array.from({ length: n }, () => ({ vin: vin(), trim: 'standard', options: [] })) });
    /** A locked SU7 order of a new buyer. */
    const lockedOrder = async (n: number) => {
      const b = await h.buyer(n);
      const o = await h.order(b.token, `k${n}`, SU7);
      assert.equal(o.status, 201, JSON.stringify(o.body));
      const l = await as(b.token).post(`/orders/${o.body.order_id}/lock`, { confirm: true });
      assert.equal(l.status, 200, JSON.stringify(l.body));
      return { token: b.token, orderId: o.body.order_id as string };
    };
    /** Waits for the provider's notifications: no part of the order pending any more. */
    const settled = async (token: string, orderId: string): Promise<Reply> => {
      for (let i = 0; i < 200; i++) {
        const r = await as(token).get(`/orders/${orderId}/delivery`);
        if (r.body.balance.pending_fen === 0) return r;
        await sleep(10);
      }
      throw new Error('the part stayed pending');
    };
    const kinds = async (token: string, orderId: string): Promise<string[]> =>
      (await as(token).get(`/orders/${orderId}/messages`)).body.messages
        .map((m: { kind: string }) => m.kind).sort();

    before(async () => {
      h = await harness(env, promptPayments());
    });
    after(async () => {
      await h.close();
      await cleanup();
    });

    it('a car allocated, made ready, paid in parts (card, then a loan), booked, handed over',
      async () => {
        const a = await lockedOrder(1);
        const other = await lockedOrder(2);
        const path = `/orders/${a.orderId}`;
        const buyer = as(a.token);
        let balance = 0;
        let deposit = 0;
        let slot = '';
        await runTable([
          { what: 'no car yet', call: () => buyer.get(`${path}/delivery`), status: 409,
            code: 'delivery_not_started' },
          { what: 'a run allocates the first locked orders', call: () => run(2), status: 201,
            check: (r) => assert.equal(r.body.allocated[0].order_id, a.orderId) },
          { what: 'the record is at built', call: () => buyer.get(`${path}/delivery`), status: 200,
            check: (r) => {
              assert.equal(r.body.stage, 'built');
              assert.equal(r.body.balance.due_at, null, 'no deadline before the car is ready');
              balance = r.body.balance.balance_fen;
              deposit = r.body.balance.deposit_fen;
              assert.equal(balance, r.body.balance.price_fen - deposit);
            } },
          { what: 'another buyer sees nothing', call: () => as(other.token).get(`${path}/delivery`),
            status: 404, code: 'order_not_found' },
          { what: 'booking before ready', call: () => buyer.put(`${path}/delivery/appointment`,
            { slot_start: '2025-07-01T02:00:00Z' }), status: 409, code: 'delivery_not_ready' },
          { what: 'the car is ready', call: () => admin().post(`/admin${path}/ready`), status: 200,
            check: (r) => {
              assert.equal(r.body.delivery.stage, 'ready');
              const ready = Date.parse(r.body.delivery.ready_at);
              assert.equal(Date.parse(r.body.delivery.balance.due_at), ready + 21 * DAY * 1000,
                'the deadline counts from ready, not from scheduling');
            } },
          { what: 'a part over the balance', call: () => buyer.post(`${path}/balance/parts`,
            { amount_fen: balance + 1, method: 'card' }, 'p0'), status: 422,
            code: 'balance_part_invalid', check: (r) => assert.match(r.body.error.message,
              new RegExp(`from 100 to ${balance} `)) },
          { what: 'an unknown method', call: () => buyer.post(`${path}/balance/parts`,
            { amount_fen: 100_00, method: 'cash' }, 'p0'), status: 422, code: 'invalid_request' },
          { what: 'no key', call: () => buyer.post(`${path}/balance/parts`,
            { amount_fen: 100_00, method: 'card' }), status: 400, code: 'idempotency_key_missing' },
          { what: 'the first part by card', call: () => buyer.post(`${path}/balance/parts`,
            { amount_fen: 5_000_000, method: 'card' }, 'p1'), status: 201,
            check: (r) => assert.equal(r.body.part.status, 'pending') },
          { what: 'the same key again: the same part', call: () => buyer.post(
            `${path}/balance/parts`, { amount_fen: 5_000_000, method: 'card' }, 'p1'),
            status: 200, check: (r) => assert.equal(r.headers['idempotent-replay'], 'true') },
          { what: 'the part is received', call: () => settled(a.token, a.orderId), status: 200,
            check: (r) => {
              assert.equal(r.body.balance.received_fen, 5_000_000);
              assert.equal(r.body.balance.outstanding_fen, balance - 5_000_000);
            } },
          { what: 'booking with the balance open', call: () => buyer.put(
            `${path}/delivery/appointment`, { slot_start: '2025-07-01T02:00:00Z' }), status: 409,
            code: 'balance_outstanding' },
          { what: 'the rest by a loan', call: () => buyer.post(`${path}/balance/parts`,
            { amount_fen: balance - 5_000_000, method: 'loan' }, 'p2'), status: 201 },
          { what: 'paid in full', call: () => settled(a.token, a.orderId), status: 200,
            check: (r) => assert.equal(r.body.balance.outstanding_fen, 0) },
          { what: 'nothing more is due', call: () => buyer.post(`${path}/balance/parts`,
            { amount_fen: 100_00, method: 'card' }, 'p3'), status: 409, code: 'balance_covered' },
          { what: 'the slots offered', call: () => buyer.get(`${path}/delivery/slots`),
            status: 200, check: (r) => {
              assert.ok(r.body.slots.length > 0);
              assert.equal(r.body.slots[0].left, 4);
              slot = r.body.slots[0].slot_start;
            } },
          { what: 'a time off the grid', call: () => buyer.put(`${path}/delivery/appointment`,
            { slot_start: '2025-06-27T02:17:00Z' }), status: 422, code: 'slot_invalid',
            // The refusal names the time refused and where the offered ones are.
            check: (r) => assert.match(r.body.error.message,
              /^2025-06-27T02:17:00\.000Z is not a slot offered now: pick a slot_start /) },
          { what: 'booked', call: () => buyer.put(`${path}/delivery/appointment`,
            { slot_start: slot }), status: 200,
            check: (r) => assert.equal(r.body.delivery.appointment.slot_start, slot) },
          { what: 'one place fewer', call: () => buyer.get(`${path}/delivery/slots`), status: 200,
            check: (r) => assert.equal(r.body.slots[0].left, 3) },
          { what: 'the order view says where the delivery stands', call: () => buyer.get(path),
            status: 200, check: (r) => assert.deepEqual(r.body.delivery, { stage: 'ready',
              outstanding_fen: 0, due_at: r.body.delivery.due_at, appointment_at: slot }) },
          { what: 'handover unconfirmed', call: () => admin().post(`/admin${path}/handover`,
            { inspection_confirmed: true, keys_given: false }), status: 422,
            code: 'handover_unconfirmed' },
          { what: 'handed over', call: () => admin().post(`/admin${path}/handover`,
            { inspection_confirmed: true, keys_given: true }), status: 200,
            check: (r) => {
              assert.equal(r.body.delivery.stage, 'delivered');
              assert.equal(r.body.delivery.revenue_fen, r.body.delivery.balance.price_fen);
            } },
          { what: 'delivered is final', call: () => admin().post(`/admin${path}/ready`),
            status: 409, code: 'already_delivered' },
          { what: 'the order offers nothing more, its deposit applied',
            call: () => as(a.token).get(`/orders/${a.orderId}`), status: 200, check: (r) => {
              assert.deepEqual(r.body.actions, []);
              assert.equal(r.body.deposit.state, 'applied');
              assert.equal(r.body.delivery.stage, 'delivered');
            } },
          // A cancel after the handover once forfeited the applied deposit and sent the
          // buyer's car back to stock.
          { what: 'no cancel after the handover', call: () => as(a.token).post(
            `/orders/${a.orderId}/cancel`, { accept_forfeit: true }), status: 409,
            code: 'already_delivered' },
          { what: 'the money events add up', call: () => admin().get(
            '/admin/deliveries/money-events'), status: 200, check: (r) => {
            const mine = r.body.events.filter((e: { order_id: string }) =>
              e.order_id === a.orderId);
            const sum = (k: string) => mine.filter((e: { kind: string }) => e.kind === k)
              .reduce((s: number, e: { amount_fen: number }) => s + e.amount_fen, 0);
            assert.equal(sum('deposit_applied') + sum('balance_received')
              - sum('balance_refunded'), sum('revenue_recognised'));
            assert.equal(sum('revenue_recognised'), balance + deposit);
          } },
        ]);
      });

    it('the deadline: one reminder, one notice, the grace, then the car goes to the next order',
      async () => {
        const c = await lockedOrder(10);
        const d = await lockedOrder(11);
        const sweep = () => h.ld.app.deliveries.sweep();
        const sweepRow = (what: string, check: (r: Reply) => void): Row => ({ what,
          call: async () => {
            await sweep();
            await sweep(); // A second round sends nothing again.
            return as(c.token).get(`/orders/${c.orderId}/delivery`);
          }, status: 200, check });
        await runTable([
          { what: 'one car: to c, first locked', call: () => run(1), status: 201,
            check: (r) => assert.deepEqual(r.body.allocated.map((x: { order_id: string }) =>
              x.order_id), [c.orderId]) },
          { what: 'ready', call: () => admin().post(`/admin/orders/${c.orderId}/ready`),
            status: 200 },
          sweepRow('nothing yet', (r) => assert.equal(r.body.balance.notice_at, null)),
          { what: '14 days on', call: () => h.tick(14 * DAY), status: 200 },
          sweepRow('reminded, no notice', (r) => assert.equal(r.body.balance.notice_at, null)),
          { what: '7 days on: the deadline', call: () => h.tick(7 * DAY), status: 200 },
          sweepRow('the notice: the grace runs', (r) => {
            assert.equal(r.body.stage, 'ready');
            assert.ok(r.body.balance.grace_ends_at !== null);
          }),
          { what: 'overdue in the console',
            call: () => admin().get('/admin/deliveries?overdue=true'),
            status: 200, check: (r) => assert.ok(r.body.deliveries.some((x: { order_id: string }) =>
              x.order_id === c.orderId)) },
          { what: '13 days on: still in grace', call: () => h.tick(13 * DAY), status: 200 },
          sweepRow('not released in grace', (r) => assert.equal(r.body.stage, 'ready')),
          { what: 'the grace ends', call: () => h.tick(DAY), status: 200 },
          sweepRow('released: the car went on', (r) => {
            assert.equal(r.body.stage, 'released');
            assert.equal(r.body.release_reason, 'lapsed');
            assert.equal(r.body.vin, null);
          }),
          { what: 'the next order has the car', call: () => as(d.token).get(
            `/orders/${d.orderId}/delivery`), status: 200,
            check: (r) => assert.equal(r.body.stage, 'built') },
          { what: 'c keeps its place: the next car is its', call: () => run(1), status: 201,
            check: (r) => assert.equal(r.body.allocated[0]?.order_id, c.orderId) },
          { what: 'a second cycle, the deadline not yet running', call: () => as(c.token).get(
            `/orders/${c.orderId}/delivery`), status: 200, check: (r) => {
            assert.equal(r.body.cycle, 2);
            assert.equal(r.body.stage, 'built');
            assert.equal(r.body.balance.due_at, null);
          } },
        ]);
        // Each message once, in the buyer's outbox; the second car has its own.
        assert.deepEqual(await kinds(c.token, c.orderId), ['balance_due', 'balance_overdue',
          'balance_reminder', 'car_released', 'order_locked', 'order_scheduled',
          'order_scheduled'].sort());
      });

    it('a deferral gives the car to the next order, later cars to ready stock, then back',
      async () => {
        const e = await lockedOrder(20);
        const f = await lockedOrder(21);
        await runTable([
          { what: 'one car to e', call: () => run(1), status: 201,
            check: (r) => assert.equal(r.body.allocated[0].order_id, e.orderId) },
          { what: 'too long', call: () => as(e.token).post(`/orders/${e.orderId}/delivery/defer`,
            { days: 361 }), status: 422, code: 'invalid_request' },
          { what: 'deferred 30 days: the car goes to f', call: () => as(e.token).post(
            `/orders/${e.orderId}/delivery/defer`, { days: 30 }), status: 200,
            check: (r) => {
              assert.equal(r.body.car_went_to, 'next_order');
              assert.equal(r.body.delivery.deferral.days_left, 330);
            } },
          { what: 'e waits for a car again: locked, not scheduled',
            call: () => as(e.token).get(`/orders/${e.orderId}`), status: 200,
            check: (r) => assert.equal(r.body.status, 'locked') },
          { what: 'f has it', call: () => as(f.token).get(`/orders/${f.orderId}/delivery`),
            status: 200, check: (r) => assert.equal(r.body.stage, 'built') },
          { what: 'a car during the deferral: ready stock', call: () => run(1), status: 201,
            check: (r) => assert.equal(r.body.pooled.length, 1) },
          { what: 'f defers the most allowed: no one waits, its car to ready stock',
            call: () => as(f.token).post(`/orders/${f.orderId}/delivery/defer`, { days: 360 }),
            status: 200, check: (r) => assert.equal(r.body.car_went_to, 'ready_stock') },
          { what: 'no days left to f', call: () => as(f.token).get(`/orders/${f.orderId}/delivery`),
            status: 200, check: (r) => assert.equal(r.body.deferral.days_left, 0) },
          { what: 'e again while released', call: () => as(e.token).post(
            `/orders/${e.orderId}/delivery/defer`, { days: 1 }), status: 409,
            code: 'deferral_not_allowed' },
          { what: '30 days on', call: () => h.tick(30 * DAY), status: 200 },
          { what: 'the next car is e\'s, keeping its place', call: () => run(1), status: 201,
            check: (r) => assert.equal(r.body.allocated[0]?.order_id, e.orderId) },
          { what: 'e scheduled again', call: () => as(e.token).get(`/orders/${e.orderId}`),
            status: 200, check: (r) => assert.equal(r.body.status, 'scheduled') },
          { what: 'a second cycle', call: () => as(e.token).get(`/orders/${e.orderId}/delivery`),
            status: 200, check: (r) => {
              assert.equal(r.body.stage, 'built');
              assert.equal(r.body.cycle, 2);
            } },
          { what: 'more than the 330 days left', call: () => as(e.token).post(
            `/orders/${e.orderId}/delivery/defer`, { days: 331 }), status: 422,
            code: 'deferral_too_long' },
        ]);
      });

    it('ten parts at most (then only all that is left); a slot at its capacity is full',
      async () => {
        const i = await lockedOrder(40);
        const j = await lockedOrder(41);
        await run(2);
        // A truck arrives at the centre: both cars ready at once.
        const marked = await admin().post('/admin/deliveries/ready', { centre: 'beijing' });
        // (The earlier cases' cars still at built are marked too.)
        assert.ok(marked.body.marked.includes(i.orderId) && marked.body.marked.includes(j.orderId));
        assert.deepEqual((await admin().get('/admin/deliveries?stage=built')).body.deliveries, []);
        const pay = (o: { token: string; orderId: string }, key: string, amount: number) =>
          as(o.token).post(`/orders/${o.orderId}/balance/parts`, { amount_fen: amount,
            method: 'card' }, key);
        for (let k = 0; k < 10; k++) assert.equal((await pay(i, `p${k}`, 100_000)).status, 201);
        await settled(i.token, i.orderId);
        const owed = async (o: { token: string; orderId: string }) => (await as(o.token).get(
          `/orders/${o.orderId}/delivery`)).body.balance.outstanding_fen as number;
        const left = await owed(i);
        const slotOf = async () => (await as(i.token).get(`/orders/${i.orderId}/delivery/slots`))
          .body.slots[3].slot_start as string;
        await runTable([
          { what: 'an eleventh part', call: () => pay(i, 'p10', 100_000), status: 409,
            code: 'balance_parts_limit' },
          { what: 'all that is left, in one', call: () => pay(i, 'p11', left), status: 201 },
          { what: 'paid', call: () => settled(i.token, i.orderId), status: 200 },
          { what: 'j pays in one', call: async () => pay(j, 'all', await owed(j)), status: 201 },
          { what: 'j paid', call: () => settled(j.token, j.orderId), status: 200 },
          { what: 'the centre takes one a slot', call: () => admin().put(
            '/admin/delivery-slots/beijing/capacity', { capacity: 1 }), status: 200 },
          { what: 'i books', call: async () => as(i.token).put(
            `/orders/${i.orderId}/delivery/appointment`, { slot_start: await slotOf() }),
            status: 200 },
          { what: 'j finds it full', call: async () => as(j.token).put(
            `/orders/${j.orderId}/delivery/appointment`, { slot_start: await slotOf() }),
            status: 409, code: 'slot_full' },
          { what: 'the console shows it', call: () => admin().get('/admin/delivery-slots/beijing'),
            status: 200, check: (r) => {
              assert.equal(r.body.capacity, 1);
              assert.equal(r.body.slots.filter((s: { booked: number }) => s.booked > 0).length, 1);
            } },
          { what: 'back to four', call: () => admin().put(
            '/admin/delivery-slots/beijing/capacity', { capacity: 4 }), status: 200 },
        ]);
      });

    it('no-shows: recorded once the slot began; at the second the car is released', async () => {
      const g = await lockedOrder(30);
      assert.equal((await run(1)).body.allocated[0].order_id, g.orderId);
      await admin().post(`/admin/orders/${g.orderId}/ready`);
      const owed = (await as(g.token).get(`/orders/${g.orderId}/delivery`)).body.balance
        .outstanding_fen;
      await as(g.token).post(`/orders/${g.orderId}/balance/parts`, { amount_fen: owed,
        method: 'alipay' }, 'all');
      await settled(g.token, g.orderId);
      const book = async () => {
        const slots = (await as(g.token).get(`/orders/${g.orderId}/delivery/slots`)).body.slots;
        return as(g.token).put(`/orders/${g.orderId}/delivery/appointment`,
          { slot_start: slots[0].slot_start });
      };
      const noShow = () => admin().post(`/admin/orders/${g.orderId}/no-show`);
      await runTable([
        { what: 'no appointment', call: noShow, status: 409, code: 'appointment_not_found' },
        { what: 'booked', call: book, status: 200 },
        { what: 'too early', call: noShow, status: 409, code: 'appointment_not_due' },
        { what: 'a day on', call: () => h.tick(DAY + 8 * 3600), status: 200 },
        { what: 'the first no-show', call: noShow, status: 200, check: (r) => {
          assert.equal(r.body.delivery.no_shows, 1);
          assert.equal(r.body.car_went_to, null);
        } },
        { what: 'booked again', call: book, status: 200 },
        { what: 'a day on', call: () => h.tick(DAY + 8 * 3600), status: 200 },
        { what: 'the second: released', call: noShow, status: 200, check: (r) => {
          assert.equal(r.body.delivery.stage, 'released');
          assert.equal(r.body.delivery.release_reason, 'no_show');
          assert.equal(r.body.delivery.balance.received_fen, owed, 'the money stays with it');
        } },
      ]);
    });
  });
}

deliveriesSuite('SQLite', {}, async () => undefined);
const schema = testSchema();
await withPostgres('deliveries on PostgreSQL', () => deliveriesSuite('PostgreSQL',
  { LAUNCHDAY_DATABASE_URL: postgresUrl, LAUNCHDAY_DATABASE_SCHEMA: schema },
  () => dropSchema(schema)));
