// From lock to scheduled, as a table: one command per row, the expected status (and what to
// check of the reply) beside it, time moved by `tick`. Orders lock early or when their
// cooling-off ends; a plan, a capacity change and a delivery centre re-plan them; a production
// run allocates cars in queue order and the orders become scheduled with their VINs.
import { strict as assert } from 'node:assert';
import { after, before, it } from 'node:test';
import { estimateQueue, stateOf } from '../src/production/index.js';
import { withCheckCharacter } from '../src/production/vin.js';
import { ADMIN, harness, type Harness, type Reply } from './harness.js';

const SU7 = { launch_id: 'su7-2024', trim: 'standard', options: [], city: 'beijing' };
const vin = (n: number): string => withCheckCharacter(`LXMSU7AB0R${String(n).padStart(7, '0')}`);
const plan = (from: string, units: number, reason: string) => ({ launch_id: 'su7-2024',
  trim: 'standard', rates: [{ from, units_per_week: units }], reason });

interface World {
  h: Harness;
  tokens: Record<string, string>;
  orders: Record<string, string>;
}

type Cmd = (w: World) => Promise<Reply>;
type Row = [string, Cmd, number, ((r: Reply, w: World) => void)?];

const buyerOf = (w: World, name: string) => w.tokens[name]!;
const order = (name: string): Cmd => async (w) => {
  const r = await w.h.order(buyerOf(w, name), name, SU7);
  w.orders[name] = r.body.order_id;
  return r;
};
const lock = (name: string): Cmd => (w) => w.h.call('POST',
  `/orders/${w.orders[name]}/lock`, { token: buyerOf(w, name), body: { confirm: true } });
const read = (name: string): Cmd => (w) => w.h.call('GET', `/orders/${w.orders[name]}`,
  { token: buyerOf(w, name) });
const admin = (path: string, body: unknown): Cmd => (w) => w.h.call('POST', path,
  { token: ADMIN, body });
const windowIs = (from: string, to: string) => (r: Reply) =>
  assert.deepEqual(r.body.estimate.window, { from, to });
const moved = (earlier: number, later: number) => (r: Reply) =>
  assert.deepEqual([r.body.replan.moved_earlier, r.body.replan.moved_later], [earlier, later]);

const TABLE: Row[] = [
  ['a orders', order('a'), 201],
  ['a locks: no plan yet, the weekly-capacity estimate', lock('a'), 200,
    (r) => assert.equal(r.body.estimate.window, undefined)],
  ['a plan of 2 a week from 7 July', admin('/admin/production-plans', plan('2025-07-07', 2, 'first')), 201,
    moved(0, 0)],
  ['a: built the week of 7 July, handed over from 14 July', read('a'), 200,
    windowIs('2025-07-14', '2025-07-27')],
  ['b orders', order('b'), 201, windowIs('2025-07-14', '2025-07-27')],
  ['b locks: second car of that week', lock('b'), 200, windowIs('2025-07-14', '2025-07-27')],
  ['c orders', order('c'), 201, windowIs('2025-07-21', '2025-08-03')],
  ['a week passes', (w) => w.h.tick(7 * 86_400), 200],
  ['c\'s cooling-off ends: it locks by itself', (w) => w.h.tick(86_400), 200],
  ['c is locked, third car: the week of 14 July', read('c'), 200, (r) => {
    assert.equal(r.body.status, 'locked');
    windowIs('2025-07-21', '2025-08-03')(r);
  }],
  ['re-plan: c gets its stored estimate, nothing moves',
    admin('/admin/replans', { reason: 'locks since' }), 201, moved(0, 0)],
  ['Beijing\'s centre hands over one car a week', admin('/admin/delivery-centres',
    { city_id: 'beijing', handovers_per_week: 1, opens_on: '2025-01-01', reason: 'opening' }),
  201, moved(0, 2)],
  ['b now waits a week at the centre', read('b'), 200, windowIs('2025-07-21', '2025-08-03')],
  ['c waits behind b', read('c'), 200, windowIs('2025-07-28', '2025-08-10')],
  ['a run of two cars: a and b, in queue order', admin('/admin/production-runs', {
    launch_id: 'su7-2024', built_on: '2025-07-09', reason: 'week 28',
    cars: [{ vin: vin(1), trim: 'standard' }, { vin: vin(2), trim: 'standard' }] }), 201,
  (r, w) => assert.deepEqual(r.body.allocated.map((a: any) => a.order_id),
    [w.orders.a, w.orders.b])],
  ['a is scheduled with its VIN', read('a'), 200, (r) => {
    assert.equal(r.body.status, 'scheduled');
    assert.equal(r.body.stage, 'scheduled');
    assert.equal(r.body.vehicle.vin, vin(1));
    // Still in its queue place, its deposit non-refundable; only a forfeit is offered.
    assert.equal(r.body.queue.place, 1);
    assert.equal(r.body.deposit.state, 'held');
    assert.deepEqual(r.body.actions, ['cancel_with_forfeit']);
    assert.deepEqual(r.body.history.at(-1).detail, { vin: vin(1), built_on: '2025-07-09',
      allocation_week: 79 });
    assert.equal(r.body.history.at(-1).type, 'scheduled');
  }],
  ['b is scheduled too; c, without a car, stays locked', read('b'), 200,
    (r) => assert.deepEqual([r.body.status, r.body.vehicle.vin], ['scheduled', vin(2)])],
  ['c stays locked', read('c'), 200, (r) => {
    assert.equal(r.body.status, 'locked');
    assert.equal(r.body.vehicle, undefined);
  }],
  ['a scheduled order cannot lock again', lock('a'), 409,
    (r) => assert.equal(r.body.error.code, 'order_already_locked')],
  ['nor be cancelled without accepting the forfeit', (w) => w.h.call('POST',
    `/orders/${w.orders.a}/cancel`, { token: buyerOf(w, 'a'), body: {} }), 409,
  (r) => assert.equal(r.body.error.code, 'forfeit_not_accepted')],
  ['the figures count scheduled orders as locked', (w) => w.h.call('GET',
    '/launches/su7-2024/stats'), 200, (r) => {
    assert.equal(r.body.orders.locked, 3);
    assert.deepEqual(r.body.by_trim.standard, { firm: 0, locked: 3, cancelled: 0 });
  }],
  ['the run sent again changes nothing', admin('/admin/production-runs', {
    launch_id: 'su7-2024', built_on: '2025-07-09', reason: 'week 28 again',
    cars: [{ vin: vin(1), trim: 'standard' }, { vin: vin(2), trim: 'standard' }] }), 201,
  (r) => assert.deepEqual([r.body.recorded, r.body.allocated], [0, []])],
  ['a plan a week later moves only c; a and b have their cars',
    admin('/admin/production-plans', plan('2025-07-14', 1, 'supplier problem')), 201,
    moved(0, 1)],
  ['c is told: from 4 August', read('c'), 200, windowIs('2025-08-04', '2025-08-17')],
  ['the change list has one row per move, in order', (w) => w.h.call('GET',
    '/admin/estimate-changes', { token: ADMIN }), 200, (r, w) => assert.deepEqual(
    r.body.changes.map((c: any) => [c.order_id, c.direction, c.weeks_moved]),
    [[w.orders.b, 'later', 1], [w.orders.c, 'later', 1], [w.orders.c, 'later', 1]])],
  ['a, scheduled, cancels forfeiting its deposit: its car goes back', (w) => w.h.call('POST',
    `/orders/${w.orders.a}/cancel`, { token: buyerOf(w, 'a'), body: { accept_forfeit: true } }),
  200, (r) => assert.deepEqual([r.body.status, r.body.deposit.state, r.body.vehicle],
    ['cancelled', 'forfeited', undefined])],
  ['the run sent again gives a\'s car to c, next in the queue', admin('/admin/production-runs', {
    launch_id: 'su7-2024', built_on: '2025-07-09', reason: 'week 28, a cancelled',
    cars: [{ vin: vin(1), trim: 'standard' }] }), 201, (r, w) => {
    assert.equal(r.body.recorded, 0);
    assert.deepEqual(r.body.allocated, [{ vin: vin(1), order_id: w.orders.c }]);
  }],
  ['c is scheduled with it', read('c'), 200,
    (r) => assert.deepEqual([r.body.status, r.body.vehicle.vin], ['scheduled', vin(1)])],
  ['the figures: a cancelled, b and c locked (scheduled)', (w) => w.h.call('GET',
    '/launches/su7-2024/stats'), 200,
  (r) => assert.deepEqual(r.body.by_trim.standard, { firm: 0, locked: 2, cancelled: 1 })],
];

let w: World;
before(async () => {
  const h = await harness();
  w = { h, tokens: {}, orders: {} };
  for (const [i, name] of ['a', 'b', 'c'].entries()) w.tokens[name] = (await h.buyer(i + 1)).token;
});
after(() => w.h.close());

it('from lock to scheduled, row by row', async () => {
  for (const [what, run, status, check] of TABLE) {
    const r = await run(w);
    assert.equal(r.status, status, `${what}: ${JSON.stringify(r.body).slice(0, 300)}`);
    try {
      check?.(r, w);
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`);
    }
  }
});

it('what the re-plans stored is what the plan, centres and queue give directly', async () => {
  const store = w.h.ld.app.deps.store;
  await w.h.call('POST', '/admin/replans', { token: ADMIN, body: { reason: 'final' } });
  const queue = await store.transaction((tx) => tx.lockedQueue());
  const direct = estimateQueue(stateOf(await store.plansInForce(), await store.centresInForce()),
    queue);
  const stored = await store.transaction((tx) => tx.storedEstimates());
  assert.equal(stored.length, 2);
  for (const s of stored) assert.deepEqual(s, direct.get(s.orderId));
});

it('an operator\'s cancel of a scheduled order is logged as from scheduled, not locked',
  async () => {
    const b = w.orders.b!;
    assert.equal((await read('b')(w)).body.status, 'scheduled');
    const r = await w.h.call('POST', `/admin/orders/${b}/cancel`, { token: ADMIN,
      body: { accept_forfeit: true, reason: 'buyer asked by phone' } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.history.at(-1).detail.from_status, 'scheduled');
    const log = (await w.h.call('GET', '/admin/audit-log', { token: ADMIN })).body.entries;
    const entry = log.find((e: any) => e.action === 'order_cancelled' && e.detail.order_id === b);
    assert.deepEqual(entry.detail.changes, { status: { from: 'scheduled', to: 'cancelled' },
      deposit_state: { from: 'held', to: 'forfeited' } });
  });
