// Every buyer route that leads to a unit behind a waiting room asks for its pass (issue #17's
// attacker: the waitlist got around the room), and a retry of a write that went through is
// answered as a replay, pass or not (in-process, simulated clock, SQLite).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, harness, tickingHarness, YU7_MAX, type Harness } from './harness.js';

const OPENS = '2025-06-26T14:00:00.000Z';
const PREQUEUE = '2025-06-26T13:50:00.000Z';
const room = (scope: string, target: string) => ({ scope, target_id: target, enabled: true,
  opens_at: OPENS, prequeue_at: PREQUEUE, admit_per_minute: 60, active_max: 5,
  pass_seconds: 600, grace_seconds: 300 });
const jacket = { name: 'Jacket', name_zh: '夹克', kind: 'merch', price_fen: 100, opens_at: OPENS,
  per_account_limit: 1, per_identity_limit: 1,
  variants: [{ variant: 'm', name: 'M', name_zh: 'M', quantity: 1 }] };

/** `n` passes of each room: places taken in their pre-queues, admitted at the opening. */
async function passes(h: Harness, counts: Record<string, number>):
  Promise<Record<string, string[]>> {
  const tickets: Array<[string, string]> = [];
  for (const [roomId, n] of Object.entries(counts)) {
    for (let i = 0; i < n; i++) {
      const r = await h.call('POST', `/waiting-rooms/${roomId}/tickets`);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      tickets.push([roomId, r.body.ticket]);
    }
  }
  await h.tick(61);
  await h.ld.app.waitingRooms.admitRound();
  const out: Record<string, string[]> = {};
  for (let [roomId, t] of tickets) {
    // One a second at 60 a minute: rounds run until this one's turn comes.
    for (let round = 0; ; round++) {
      await h.tick(1);
      await h.ld.app.waitingRooms.admitRound();
      const r = await h.call('GET', `/waiting-rooms/${roomId}/place`,
        { headers: { 'x-waiting-room-ticket': t } });
      t = r.body.ticket ?? t;
      if (r.body.pass) {
        (out[roomId] ??= []).push(r.body.pass.token);
        break;
      }
      assert.ok(round < 10, `admitted in time: ${JSON.stringify(r.body)}`);
    }
  }
  return out;
}

describe('a drop behind a waiting room: the waitlist is gated as the purchase is', () => {
  let h: Harness;
  let pass: string[] = [];
  before(async () => {
    h = await tickingHarness();
    assert.equal((await h.call('PUT', '/admin/drops/jk', { token: ADMIN, body: jacket })).status,
      201);
    const r = await h.call('PUT', '/admin/waiting-rooms/jkq', { token: ADMIN,
      body: room('drop', 'jk') });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    pass = (await passes(h, { jkq: 2 })).jkq!;
  });
  after(async () => h.close());

  it('a join without a pass is refused as a purchase is; with one it spends nothing, and the '
    + 'offer is paid without another', async () => {
    const a = await h.buyer(1);
    const b = await h.buyer(2);
    // A's unit is held, unpaid: the variant is sold out, the waitlist is open.
    const account = (await h.ld.app.deps.store.accountById(a.accountId))!;
    const held = await h.ld.app.drops.hold(account, 'jk', { variant: 'm', quantity: 1 }, 'a1');
    assert.ok(held.ok);
    const bare = await h.call('POST', '/drops/jk/waitlist', { token: b.token,
      body: { variant: 'm' } });
    assert.equal(bare.status, 403, JSON.stringify(bare.body));
    assert.equal(bare.body.error.code, 'waiting_room_pass_required');
    assert.equal(bare.body.error.room_url, '/waiting-room?room=jkq');
    const forged = await h.call('POST', '/drops/jk/waitlist', { token: b.token,
      body: { variant: 'm' }, headers: { 'x-waiting-room-pass': `${pass[1]!}x` } });
    assert.equal(forged.body.error?.code, 'waiting_room_pass_invalid');
    const joined = await h.call('POST', '/drops/jk/waitlist', { token: b.token,
      body: { variant: 'm' }, headers: { 'x-waiting-room-pass': pass[1]! } });
    assert.equal(joined.status, 201, JSON.stringify(joined.body));
    // A retry of the join without the pass repeats it (as a purchase's replay).
    const again = await h.call('POST', '/drops/jk/waitlist', { token: b.token,
      body: { variant: 'm' } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.entry.entry_id, joined.body.entry.entry_id);
    // The join spent nothing: the pass is still live.
    const passes = await h.ld.app.waitingRooms.passes('jkq');
    assert.equal(passes.filter((p) => p.status === 'active').length, 2);
    // A's hold goes back: B is offered it and pays it with no pass (its place was earned).
    const cancelled = await h.call('POST', `/drops/jk/holds/${held.value.hold.holdId}/cancel`,
      { token: a.token });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const mine = await h.call('GET', '/drops/jk/mine', { token: b.token });
    const offer = mine.body.waitlist[0].offer_hold_id;
    assert.ok(offer, JSON.stringify(mine.body));
    const paid = await h.call('POST', `/drops/jk/holds/${offer}/pay`, { token: b.token });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.hold.status, 'paid');
  });

});

describe('a retry of a gated write that went through is its replay, pass or not', () => {
  let h: Harness;
  let pass: Record<string, string[]> = {};
  before(async () => {
    h = await tickingHarness();
    assert.equal((await h.call('PUT', '/admin/drops/cap', { token: ADMIN,
      body: { ...jacket, variants: [{ ...jacket.variants[0], quantity: 2 }] } })).status, 201);
    for (const [id, scope, target] of [['capq', 'drop', 'cap'], ['yu7q', 'launch', 'yu7-2025']]) {
      const r = await h.call('PUT', `/admin/waiting-rooms/${id}`, { token: ADMIN,
        body: room(scope!, target!) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    pass = await passes(h, { capq: 1, yu7q: 2 });
  });
  after(async () => h.close());

  it('a drop purchase', async () => {
    const c = await h.buyer(3);
    const buy = (key: string, p?: string) => h.call('POST', '/drops/cap/purchases',
      { token: c.token, body: { variant: 'm' }, headers: { 'idempotency-key': key,
        ...(p ? { 'x-waiting-room-pass': p } : {}) } });
    const first = await buy('c1', pass.capq![0]);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const retry = await buy('c1');
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.headers['idempotent-replay'], 'true');
    assert.equal(retry.body.hold.hold_id, first.body.hold.hold_id);
    const other = await buy('c2');
    assert.equal(other.body.error?.code, 'waiting_room_pass_required', 'a new key needs a pass');
  });

  it('an order (POST /orders)', async () => {
    const d = await h.buyer(4);
    const order = (key: string, p?: string) => h.call('POST', '/orders', { token: d.token,
      body: YU7_MAX, headers: { 'idempotency-key': key,
        ...(p ? { 'x-waiting-room-pass': p } : {}) } });
    const first = await order('d1', pass.yu7q![0]);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    const retry = await order('d1');
    assert.equal(retry.status, 200, JSON.stringify(retry.body));
    assert.equal(retry.body.order_id, first.body.order_id);
    assert.equal((await order('d2')).body.error?.code, 'waiting_room_pass_required');
  });

  it('a model switch into the launch behind the room needs a pass, and spends it', async () => {
    const e = await h.buyer(5);
    const su7 = await h.order(e.token, 's1', { ...YU7_MAX, launch_id: 'su7-2024' });
    assert.equal(su7.status, 201, JSON.stringify(su7.body));
    const id = su7.body.order_id;
    await h.call('POST', `/orders/${id}/lock`, { token: e.token, body: { confirm: true } });
    const w = await h.call('POST', '/admin/change-windows', { token: ADMIN, body: {
      from_launch_id: 'su7-2024', to_launch_id: 'yu7-2025', opens_at: '2025-06-26T13:00:00Z',
      closes_at: '2025-06-30T00:00:00Z', allows: ['model', 'trim'] } });
    assert.equal(w.status, 201, JSON.stringify(w.body));
    const change = (p?: string) => h.call('POST', `/orders/${id}/change`, { token: e.token,
      body: { launch_id: 'yu7-2025', trim: 'max' },
      headers: p ? { 'x-waiting-room-pass': p } : {} });
    const bare = await change();
    assert.equal(bare.status, 403, JSON.stringify(bare.body));
    assert.equal(bare.body.error.code, 'waiting_room_pass_required');
    const moved = await change(pass.yu7q![1]);
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.equal(moved.body.launch_id, 'yu7-2025');
    const f = await h.buyer(6);
    const reuse = await h.call('POST', '/orders', { token: f.token, body: YU7_MAX,
      headers: { 'idempotency-key': 'f1', 'x-waiting-room-pass': pass.yu7q![1]! } });
    assert.equal(reuse.body.error?.code, 'waiting_room_pass_invalid', 'the switch spent it');
  });
});

describe('a room opens when its target does', () => {
  let h: Harness;
  const T = (hhmm: string) => `2025-06-26T${hhmm}:00.000Z`;
  const putRoom = (id: string, scope: string, target: string, opens: string, prequeue: string) =>
    h.call('PUT', `/admin/waiting-rooms/${id}`, { token: ADMIN,
      body: { ...room(scope, target), opens_at: T(opens), prequeue_at: T(prequeue) } });
  const roomTimes = async (id: string) => {
    const r = (await h.call('GET', `/admin/waiting-rooms/${id}`, { token: ADMIN })).body.room;
    return [r.opens_at, r.prequeue_at];
  };
  before(async () => { h = await harness(); }); // 13:59Z
  after(async () => h.close());

  it('a room whose opening is not its target\'s is refused, naming both times', async () => {
    assert.equal((await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
      body: { ...jacket, opens_at: T('16:00') } })).status, 201);
    const off = await putRoom('teeq', 'drop', 'tee', '15:00', '14:30');
    assert.equal(off.status, 422, JSON.stringify(off.body));
    assert.equal(off.body.error.code, 'invalid_waiting_room');
    assert.match(off.body.error.message, new RegExp('opens_at \\(2025-06-26T15:00:00.000Z\\) '
      + 'must be the opening of the drop tee, 2025-06-26T16:00:00.000Z'));
    const launch = await putRoom('yu7q', 'launch', 'yu7-2025', '15:00', '14:30');
    assert.equal(launch.body.error?.code, 'invalid_waiting_room', JSON.stringify(launch.body));
    assert.equal((await h.call('GET', '/admin/waiting-rooms/teeq', { token: ADMIN })).status,
      404, 'nothing was written');
    assert.equal((await putRoom('teeq', 'drop', 'tee', '16:00', '15:00')).status, 201);
  });

  it('a drop\'s opening moved before the pre-queue opens moves its room, after is refused',
    async () => {
      const moved = await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
        body: { ...jacket, opens_at: T('17:00') } });
      assert.equal(moved.status, 200, JSON.stringify(moved.body));
      assert.deepEqual(await roomTimes('teeq'), [T('17:00'), T('16:00')]);
      await h.tick(2 * 3600 + 60); // 16:00: the pre-queue has opened
      const late = await h.call('PUT', '/admin/drops/tee', { token: ADMIN,
        body: { ...jacket, opens_at: T('18:00') } });
      assert.equal(late.status, 409, JSON.stringify(late.body));
      assert.equal(late.body.error.code, 'opening_held_by_waiting_room');
      assert.match(late.body.error.message, /waiting room teeq/);
      assert.equal((await h.call('GET', '/drops/tee')).body.opens_at, T('17:00'));
      assert.deepEqual(await roomTimes('teeq'), [T('17:00'), T('16:00')]);
    });

  it('so does a launch\'s', async () => {
    // 16:00 now: YU7 opened at 14:00; moved ahead to 19:00 (no room yet), then a room for it.
    assert.equal((await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
      body: { opens_at: T('19:00') } })).status, 200);
    assert.equal((await putRoom('yu7q', 'launch', 'yu7-2025', '19:00', '18:00')).status, 201);
    const moved = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
      body: { opens_at: T('19:30') } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(await roomTimes('yu7q'), [T('19:30'), T('18:30')]);
    await h.tick(2.5 * 3600); // 18:30
    const late = await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
      body: { opens_at: T('20:00') } });
    assert.equal(late.status, 409, JSON.stringify(late.body));
    assert.equal(late.body.error.code, 'opening_held_by_waiting_room');
    assert.equal((await h.call('GET', '/launches/yu7-2025')).body.opens_at, T('19:30'));
  });
});

describe('names and path ids of the drops and rooms an operator writes', () => {
  let h: Harness;
  before(async () => { h = await harness(); });
  after(async () => h.close());

  it('a name of white space only is refused, naming its field', async () => {
    const v = jacket.variants[0]!;
    for (const [body, field] of [
      [{ ...jacket, name: '   ' }, 'name'], [{ ...jacket, name_zh: '\u3000\u3000' }, 'name_zh'],
      [{ ...jacket, variants: [{ ...v, name: '\u00a0\t' }] }, 'variant "m" name'],
      [{ ...jacket, variants: [{ ...v, name_zh: '\u3000' }] }, 'variant "m" name_zh'],
    ] as const) {
      const r = await h.call('PUT', '/admin/drops/blank', { token: ADMIN, body });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'invalid_drop');
      assert.ok(r.body.error.message.includes(`${field} must not be blank`), r.body.error.message);
    }
    assert.equal((await h.call('GET', '/drops/blank')).status, 404, 'nothing was written');
    const named = await h.call('PUT', '/admin/drops/blank', { token: ADMIN,
      body: { ...jacket, name: ' Jacket\u3000' } });
    assert.equal(named.status, 201, 'white space around a name is fine');
  });

  it('a room or drop id no room or drop can have is refused with the id rule', async () => {
    const long = 'r'.repeat(80);
    const r = await h.call('PUT', `/admin/waiting-rooms/${long}`, { token: ADMIN,
      body: room('launch', 'yu7-2025') });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'invalid_waiting_room');
    assert.match(r.body.error.message, /room_id must be 1-64 characters/);
    const d = await h.call('PUT', `/admin/drops/${long}`, { token: ADMIN, body: jacket });
    assert.equal(d.status, 422, JSON.stringify(d.body));
    assert.match(d.body.error.message, /drop_id must be/);
    // Reads and acts on a room keep answering "no such room".
    assert.equal((await h.call('GET', `/admin/waiting-rooms/${long}`, { token: ADMIN }))
      .body.error.code, 'waiting_room_not_found');
  });
});
