// A launch behind a waiting room, through HTTP (in-process, simulated clock): the pre-queue
// joined before the opening and shuffled at it, later arrivals behind, positions that only go
// down, admission at the rate under the cap, the pass that POST /orders requires and spends
// (one pass, one order), revocation, a held bot never admitted, a lapsed place, bad tickets.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { SimulatedClock } from '../src/kernel/clock.js';
import { compileReply, type RouteContract } from '../src/kernel/http/schema.js';
import * as Rooms from '../src/waiting-rooms/room-schemas.js';
import { SLOW_SOURCE_SECONDS_MAX } from '../src/payments/payments.js';
import { shuffleOrder, seedCommitment } from '../src/waiting-rooms/waiting-room.js';
import { ADMIN, assertDeclared, harness, tickingHarness, YU7_MAX, type Harness } from './harness.js';

const OPENS = '2025-06-26T14:00:00.000Z';
const room = (overrides: object = {}) => ({ scope: 'launch', target_id: 'yu7-2025',
  enabled: true, opens_at: OPENS, prequeue_at: '2025-06-26T13:50:00.000Z',
  admit_per_minute: 60, active_max: 3, pass_seconds: 120, grace_seconds: 60, ...overrides });

/** The ticket id a signed ticket carries. */
const ticketId = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url')
  .toString()).t as string;

describe('a launch behind a waiting room, over HTTP', () => {
  let h: Harness;
  const declared = (contract: RouteContract, r: { status: number; body: unknown }) =>
    assertDeclared(h, contract, r);

  before(async () => { h = await harness(); });
  after(async () => h.close());

  it('an operator sets a room up; bad settings and buyers are refused', async () => {
    const b = await h.buyer(1);
    assert.equal((await h.call('PUT', '/admin/waiting-rooms/yu7-night',
      { token: b.token, body: room() })).status, 403);
    const nowhere = await h.call('PUT', '/admin/waiting-rooms/nowhere', { token: ADMIN,
      body: room({ target_id: 'no-such-launch' }) });
    assert.equal(nowhere.body.error?.code, 'invalid_waiting_room', 'a room for no launch');
    const tooLate = await h.call('PUT', '/admin/waiting-rooms/yu7-night', { token: ADMIN,
      body: room({ prequeue_at: '2025-06-26T13:58:00.000Z' }) });
    assert.equal(tooLate.status, 422);
    assert.equal(tooLate.body.error.code, 'invalid_waiting_room');
    const created = await h.call('PUT', '/admin/waiting-rooms/yu7-night',
      { token: ADMIN, body: room() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    declared(Rooms.putRoom, created);
    assert.equal(created.body.seed, null, 'the seed stays secret until the shuffle');
    assert.match(created.body.seed_commitment, /^[0-9a-f]{64}$/);
  });

  it('while the room is on, an order without a pass is refused with the room\'s address',
    async () => {
      const b = await h.buyer(2);
      await h.tick(61);
      const r = await h.order(b.token, 'no-pass', YU7_MAX);
      assert.equal(r.status, 403);
      assert.equal(r.body.error.code, 'waiting_room_pass_required');
      assert.equal(r.body.error.room_url, '/waiting-room?room=yu7-night');
    });

});

describe('the pre-queue, the shuffle, admission and the pass', () => {
  let h: Harness;
  const tickets = new Map<string, string>();
  const ids = new Map<string, string>();
  const poll = async (who: string) => {
    const r = await h.call('GET', '/waiting-rooms/night/place',
      { headers: { 'x-waiting-room-ticket': tickets.get(who)! } });
    if (r.body?.ticket) tickets.set(who, r.body.ticket);
    return r;
  };
  const admit = () => h.ld.app.waitingRooms.admitRound();

  before(async () => {
    h = await tickingHarness();
    const r = await h.call('PUT', '/admin/waiting-rooms/night', { token: ADMIN,
      body: room({ grace_seconds: 300 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('joins before the opening wait in the pre-queue without a position', async () => {
    for (let i = 0; i < 8; i++) {
      const r = await h.call('POST', '/waiting-rooms/night/tickets');
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.phase, 'prequeue');
      assert.equal(r.body.position, null);
      tickets.set(`early${i}`, r.body.ticket);
      ids.set(`early${i}`, ticketId(r.body.ticket));
    }
    await h.tick(1);
    const again = await poll('early0');
    assert.equal(again.body.phase, 'prequeue');
    // The room's public figure counts the pre-queue, as it counts the line after the opening.
    const info = await h.call('GET', '/waiting-rooms/night');
    assert.equal(info.body.waiting, 8, JSON.stringify(info.body));
  });

  it('once people joined, what they wait for stays: its target, opening, pre-queue time and '
    + 'order; its rate, cap, pass and grace may change', async () => {
    const put = (o: object) => h.call('PUT', '/admin/waiting-rooms/night', { token: ADMIN,
      body: room({ grace_seconds: 300, ...o }) });
    // prequeue_at moved later let the target's opening move, and the room be re-pointed at
    // another sale with the people still in it (the attacker's find); fifo broke the shuffle
    // the pre-queue was told of.
    for (const [change, field] of [[{ target_id: 'su7-2024' }, 'target_id'],
      [{ prequeue_at: '2025-06-26T13:55:00.000Z' }, 'prequeue_at'],
      [{ prequeue_at: '2025-06-26T13:40:00.000Z' }, 'prequeue_at'],
      [{ order: 'fifo' }, 'order']] as const) {
      const r = await put(change);
      assert.equal(r.status, 409, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'waiting_room_settings_fixed');
      assert.equal(r.body.error.fields, field, JSON.stringify(r.body));
      assert.match(r.body.error.message, /wait for the launch yu7-2025 opening at/);
    }
    const o = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
    assert.deepEqual([o.body.room.target_id, o.body.room.prequeue_at, o.body.room.order],
      ['yu7-2025', '2025-06-26T13:50:00.000Z', 'shuffle'], 'nothing changed');
    const rate = await put({ admit_per_minute: 120, active_max: 5, pass_seconds: 90 });
    assert.equal(rate.status, 200, JSON.stringify(rate.body));
    assert.equal((await put({})).status, 200, 'and back');
  });

  it('at the opening the pre-queue takes the order of the committed seed, late ones behind',
    async () => {
      await h.tick(60);
      await admit();
      const info = await h.call('GET', '/waiting-rooms/night');
      assert.equal(seedCommitment(info.body.seed), info.body.seed_commitment);
      const order = shuffleOrder([...ids.values()], info.body.seed);
      const late = await h.call('POST', '/waiting-rooms/night/tickets');
      assert.equal(late.body.phase, 'waiting');
      tickets.set('late', late.body.ticket);
      const positions = new Map<string, number>();
      for (const who of tickets.keys()) {
        await h.tick(1);
        const r = await poll(who);
        positions.set(who, r.body.position ?? (r.body.phase === 'admitted' ? 0 : -1));
      }
      // The first admitted (the round at the opening) are the first of the shuffled order.
      const admittedIds = [...positions].filter(([, p]) => p === 0).map(([w]) => ids.get(w));
      assert.deepEqual(new Set(admittedIds), new Set(order.slice(0, admittedIds.length)));
      assert.ok(positions.get('late')! >= 8 - admittedIds.length,
        `late is behind every early one: ${[...positions]}`);
    });

  it('positions only go down while admissions run; the cap holds admissions', async () => {
    const last = new Map<string, number>();
    for (let round = 0; round < 10; round++) {
      await h.tick(1);
      await admit();
      for (const who of tickets.keys()) {
        const r = await poll(who);
        assert.ok([200].includes(r.status), JSON.stringify(r.body));
        const p = r.body.phase === 'admitted' ? 0 : r.body.position;
        if (last.has(who)) {
          assert.ok(p <= last.get(who)!, `${who} went up: ${last.get(who)} to ${p}`);
        }
        last.set(who, p);
      }
    }
    const o = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
    assert.equal(o.status, 200);
    assert.ok(o.body.active_passes <= 3, `cap: ${o.body.active_passes}`);
    assert.equal(o.body.admitted, 3, 'the cap of 3 stops admissions while no pass is spent');
    // The cap is full: the wait is no longer the rate's alone, so no estimate is firm.
    await h.tick(2);
    let told = 0;
    for (const who of tickets.keys()) {
      const r = await poll(who);
      if (r.body.phase !== 'waiting' || r.body.estimate === null) continue;
      told++;
      assert.equal(r.body.estimate.certainty, 'uncertain', `${who}: ${JSON.stringify(r.body)}`);
      // Said as the cap, not as a rate that may change (the new user's find 6).
      assert.equal(r.body.estimate.uncertain_because, 'cap', `${who}: ${JSON.stringify(r.body)}`);
    }
    assert.ok(told >= 5, `the waiting were told an estimate: ${told}`);
    const info = await h.call('GET', '/waiting-rooms/night');
    assert.equal(info.body.waiting, o.body.waiting, 'the public figure is the line\'s');
  });

  it('an admitted person orders with the pass once; a second order with it is refused',
    async () => {
      let admitted = '';
      for (const who of tickets.keys()) {
        await h.tick(1);
        const r = await poll(who);
        if (r.body.phase === 'admitted') { admitted = who; break; }
      }
      assert.ok(admitted);
      const r = await poll(admitted).catch(() => null);
      void r;
      await h.tick(1);
      const place = await poll(admitted);
      const pass = place.body.pass.token as string;
      assert.equal(place.body.pass.next_url, '/configure?launch=yu7-2025');
      const b = await h.buyer(10);
      const headers = { 'idempotency-key': 'with-pass', 'x-waiting-room-pass': pass };
      const bad = await h.call('POST', '/orders', { token: b.token, headers,
        body: { ...YU7_MAX, trim: 'nope' } });
      assert.equal(bad.body.error.code, 'unknown_trim', 'a 422 gives the pass back');
      const o = await h.call('POST', '/orders', { token: b.token, headers, body: YU7_MAX });
      assert.equal(o.status, 201, JSON.stringify(o.body));
      const replay = await h.call('POST', '/orders', { token: b.token, headers, body: YU7_MAX });
      assert.equal(replay.status, 200, 'a retry of the same order spends the same pass again');
      // The same key for another order is refused, and must not give back the pass it spent.
      const reused = await h.call('POST', '/orders', { token: b.token, headers,
        body: { ...YU7_MAX, city: 'shanghai' } });
      assert.equal(reused.body.error.code, 'idempotency_key_reused');
      // The same key with a body refused for its content repeats nothing: the pass it spent
      // stays spent (giving it back here let any account order with it, again and again).
      const refusedAgain = await h.call('POST', '/orders', { token: b.token, headers,
        body: { ...YU7_MAX, trim: 'nope' } });
      assert.equal(refusedAgain.body.error.code, 'unknown_trim');
      const second = await h.call('POST', '/orders', { token: b.token, body: YU7_MAX,
        headers: { 'idempotency-key': 'another', 'x-waiting-room-pass': pass } });
      assert.equal(second.status, 403);
      assert.equal(second.body.error.code, 'waiting_room_pass_invalid', 'spent');
      // Another account: the pass is bound to the one that used it first.
      const c = await h.buyer(11);
      const stolen = await h.call('POST', '/orders', { token: c.token, body: YU7_MAX,
        headers: { 'idempotency-key': 'another', 'x-waiting-room-pass': pass } });
      assert.equal(stolen.status, 403);
      assert.equal(stolen.body.error.code, 'waiting_room_pass_other_account');
      const forged = await h.call('POST', '/orders', { token: c.token, body: YU7_MAX,
        headers: { 'idempotency-key': 'forged', 'x-waiting-room-pass': `${pass}x` } });
      assert.equal(forged.body.error.code, 'waiting_room_pass_invalid');
      // The turn is used: the ticket's poll says so (it said admitted, with the spent pass, and
      // the page sent the buyer back to order with it, refused, round and round).
      await h.tick(1);
      const used = await poll(admitted);
      assert.equal(used.status, 410, JSON.stringify(used.body));
      assert.equal(used.body.error.code, 'waiting_ticket_expired');
      assert.match(used.body.error.message, /used/);
      // Told apart from a lapsed place: the page says the turn went with an order.
      assert.equal(used.body.error.turn, 'used');
      assert.equal(used.body.error.next_url, '/configure?launch=yu7-2025');
    });

  it('a spent pass frees a place under the cap; a revoked pass cannot order', async () => {
    await h.tick(1);
    await admit();
    const o = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
    assert.equal(o.body.admitted, 4);
    const active = o.body.passes.find((p: any) => p.status === 'active');
    const rv = await h.call('POST', `/admin/waiting-rooms/night/passes/${active.pass_id}/revoke`,
      { token: ADMIN, body: { reason: 'bot' } });
    assert.equal(rv.status, 200);
    assert.equal(rv.body.pass.status, 'revoked');
    // A second revoke (a double click) changes and records nothing and answers the pass.
    const again = await h.call('POST', `/admin/waiting-rooms/night/passes/${active.pass_id}/revoke`,
      { token: ADMIN, body: { reason: 'bot' } });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.pass.status, 'revoked');
    const audit = await h.call('GET', '/admin/audit-log?limit=100', { token: ADMIN });
    assert.equal(audit.body.entries.filter((e: any) => e.action === 'waiting_room.revoke_pass'
      && e.detail.pass_id === active.pass_id).length, 1, 'one revoke recorded');
    const none = await h.call('POST', '/admin/waiting-rooms/night/passes/wrp_nosuch/revoke',
      { token: ADMIN, body: { reason: 'bot' } });
    assert.equal(none.body.error?.code, 'waiting_pass_not_found');
    // Its holder's turn is over: the next poll says the place lapsed.
    const holder = [...tickets].find(([, t]) => ticketId(t) === active.ticket_id);
    assert.ok(holder, 'the revoked pass was one of ours');
    await h.tick(1);
    const after = await poll(holder[0]);
    assert.equal(after.status, 410, JSON.stringify(after.body));
    assert.equal(after.body.error.code, 'waiting_ticket_expired');
    assert.equal(after.body.error.turn, 'ended');
  });

  it('a held ticket keeps its place and never admits; a hold or a release moves nobody behind '
    + 'it; a second one answers its state', async () => {
    for (const who of ['bot', 'after']) {
      // A millisecond apart: within one, the line's order is a random tie-break.
      (h.ld.app.clock as SimulatedClock).tick(1);
      const j = await h.call('POST', '/waiting-rooms/night/tickets');
      tickets.set(who, j.body.ticket);
    }
    const late = ticketId(tickets.get('bot')!);
    const hold = (held: boolean) => h.call('POST',
      `/admin/waiting-rooms/night/tickets/${late}/hold`,
      { token: ADMIN, body: { held, reason: 'many tickets from one device' } });
    // Past twice the line's refresh: the copy read now holds both (a place joined since the
    // copy was read is shown none until it is counted).
    await h.tick(2);
    const bot = (await poll('bot')).body.position as number;
    const behind = (await poll('after')).body.position as number;
    assert.equal(behind, bot + 1, 'after joined just behind the bot');
    const shown = async () => { await h.tick(2); return [(await poll('bot')).body,
      (await poll('after')).body]; };
    // Held then released (the attacker's find): everyone behind was shown one place too few,
    // for good, by the least position shown.
    for (const [held, twice] of [[true, true], [false, true], [true, false]] as const) {
      const r = await hold(held);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body, { ticket_id: late, held });
      if (twice) {
        const again = await hold(held);
        assert.equal(again.status, 200, `a second ${held ? 'hold' : 'release'} is answered `
          + `its state, not "no such ticket": ${JSON.stringify(again.body)}`);
        assert.deepEqual(again.body, { ticket_id: late, held });
      }
      // The server's own admitter (every 500 ms of real time) may let someone ahead in after
      // a tick: both move up together then, never apart, never back.
      const [b, a] = await shown();
      assert.ok(b.position <= bot && a.position === b.position + 1, JSON.stringify([b, a]));
      const list = await h.call('GET', '/admin/waiting-rooms/night/tickets', { token: ADMIN });
      const row = (id: string) => list.body.tickets.find((t: any) => t.ticket_id === id);
      assert.deepEqual([row(late).position, row(ticketId(tickets.get('after')!)).position],
        [b.position, a.position], 'the operator\'s list counts the same places');
    }
    let last = bot;
    for (let i = 0; i < 5; i++) {
      await h.tick(2);
      await admit();
      const r = await poll('bot');
      assert.equal(r.body.phase, 'waiting');
      assert.ok(r.body.position <= last, `never up: ${last} to ${r.body.position}`);
      last = r.body.position;
      assert.equal(r.body.estimate.certainty, 'uncertain');
    }
  });

  it('an operator finds tickets to hold by network and status, in line order, with places',
    async () => {
      const find = (query: string, token = ADMIN) =>
        h.call('GET', `/admin/waiting-rooms/night/tickets${query}`, { token });
      const held = await find('?status=held');
      assert.equal(held.status, 200, JSON.stringify(held.body));
      const body: unknown = held.body;
      assert.ok(compileReply(Rooms.findTickets(h.ld.app.deps.limits).replies[200]!)(body));
      assert.deepEqual(held.body.tickets.map((t: { ticket_id: string }) => t.ticket_id),
        [ticketId(tickets.get('bot')!)]);
      assert.equal(typeof held.body.tickets[0].position, 'number',
        'a held ticket keeps its place in the line');
      // Every test client joins from 127.0.0.1: its /24 as the suspicious-pattern report says.
      const near = await find('?network=127.0.0.0/24&limit=3');
      assert.equal(near.body.tickets.length, 3, JSON.stringify(near.body));
      const all = (await find('?network=127.0.0.1')).body.tickets as
        Array<{ status: string; position: number | null; network: string }>;
      assert.ok(all.every((t) => t.network === '127.0.0.1'
        && (t.status === 'waiting' || t.status === 'held')), JSON.stringify(all));
      const places = all.map((t) => t.position);
      assert.ok(places.length >= 2 && places.every((p, i) => p === i + 1),
        `waiting and held ones in line order, each with its place: ${places}`);
      // Past a page: the next from next_offset, none twice, none left out.
      const first = (await find('?network=127.0.0.1&limit=2')).body;
      assert.equal(first.next_offset, 2);
      const second = (await find(`?network=127.0.0.1&limit=2&offset=${first.next_offset}`)).body;
      assert.deepEqual([...first.tickets, ...second.tickets].map((t: any) => t.ticket_id),
        all.slice(0, 4).map((t: any) => t.ticket_id));
      const end = (await find(`?network=127.0.0.1&offset=${all.length - 1}`)).body;
      assert.deepEqual([end.tickets.length, end.next_offset], [1, null], 'the last page');
      // An admitted ticket is out of the line: a hold says so, and which pass to revoke (it
      // was "no such ticket" while its pass stayed live).
      const admitted = (await find('?status=admitted')).body.tickets[0];
      const ha = await h.call('POST',
        `/admin/waiting-rooms/night/tickets/${admitted.ticket_id}/hold`,
        { token: ADMIN, body: { held: true, reason: 'bot' } });
      assert.equal(ha.status, 409, JSON.stringify(ha.body));
      assert.equal(ha.body.error.code, 'waiting_ticket_not_in_line');
      assert.match(ha.body.error.message, /admitted, with the pass wrp_/);
      const missing = await h.call('POST', '/admin/waiting-rooms/night/tickets/wrt_nope/hold',
        { token: ADMIN, body: { held: true, reason: 'bot' } });
      assert.equal(missing.body.error.code, 'waiting_ticket_not_found');
      assert.deepEqual((await find('?network=198.51.100.0/24')).body.tickets, []);
      assert.deepEqual((await find('?network=2001:db8:1:2::/64')).body.tickets, []);
      const bad = await find('?network=127.0.0.%25');
      assert.equal(bad.status, 422);
      assert.equal(bad.body.error.code, 'invalid_request');
      assert.match(bad.body.error.message, /IPv4 \/24/);
      assert.equal((await find('?limit=101')).status, 422, 'past the limits table\'s page');
      assert.equal((await find('?status=gone')).status, 422);
      assert.equal((await h.call('GET', '/admin/waiting-rooms/nope/tickets', { token: ADMIN }))
        .body.error.code, 'waiting_room_not_found');
      const b = await h.buyer(40);
      assert.equal((await find('', b.token)).status, 403);
    });

  it('a place not polled for the grace lapses; tickets not signed here are refused', async () => {
    await h.tick(400);
    await admit();
    await h.tick(1);
    const lapsed = await poll('after');
    assert.equal(lapsed.status, 410, JSON.stringify(lapsed.body));
    assert.equal(lapsed.body.error.code, 'waiting_ticket_expired');
    assert.equal(lapsed.body.error.turn, undefined, 'lapsed while waiting: no turn came');
    const bad = await h.call('GET', '/waiting-rooms/night/place',
      { headers: { 'x-waiting-room-ticket': 'wrt1.e30.AAAA' } });
    assert.equal(bad.status, 422);
    assert.equal(bad.body.error.code, 'waiting_ticket_invalid');
    const none = await h.call('GET', '/waiting-rooms/night/place');
    assert.equal(none.body.error.code, 'waiting_ticket_invalid');
    assert.equal((await h.call('GET', '/waiting-rooms/nope')).status, 404);
    const noTicket = await h.call('POST', '/admin/waiting-rooms/night/tickets/wrt_nope/hold',
      { token: ADMIN, body: { held: true, reason: 'x' } });
    assert.equal(noTicket.status, 404);
    assert.equal(noTicket.body.error.code, 'waiting_ticket_not_found');
  });
});

describe('joining: not before the pre-queue, not past the places per address', () => {
  let h: Harness;
  before(async () => {
    h = await harness({ LAUNCHDAY_RATE_LIMITS: 'on',
      LAUNCHDAY_WAITING_TICKETS_PER_ADDRESS_MAX: '2' });
  });
  after(async () => h.close());

  it('refuses a join before prequeue_at and while the room is off', async () => {
    // A room opens when its launch does: YU7 moved an hour ahead first.
    assert.equal((await h.call('PATCH', '/admin/launches/yu7-2025', { token: ADMIN,
      body: { opens_at: '2025-06-26T15:00:00.000Z' } })).status, 200);
    await h.call('PUT', '/admin/waiting-rooms/later', { token: ADMIN, body: room({
      opens_at: '2025-06-26T15:00:00.000Z', prequeue_at: '2025-06-26T14:30:00.000Z' }) });
    const early = await h.call('POST', '/waiting-rooms/later/tickets');
    assert.equal(early.status, 409);
    assert.equal(early.body.error.code, 'waiting_room_not_open');
    assert.equal(early.body.error.prequeue_at, '2025-06-26T14:30:00.000Z');
    await h.call('PUT', '/admin/waiting-rooms/later', { token: ADMIN, body: room({
      opens_at: '2025-06-26T15:00:00.000Z', prequeue_at: '2025-06-26T13:30:00.000Z',
      enabled: false }) });
    assert.equal((await h.call('POST', '/waiting-rooms/later/tickets')).body.error.code,
      'waiting_room_not_open');
    const b = await h.buyer(1);
    assert.equal((await h.order(b.token, 'off-room', YU7_MAX)).body.error.code,
      'sales_not_open', 'a room switched off gates nothing');
  });

  it('one address holds at most the configured places in a room', async () => {
    await h.call('PUT', '/admin/waiting-rooms/later', { token: ADMIN, body: room({
      opens_at: '2025-06-26T15:00:00.000Z', prequeue_at: '2025-06-26T13:30:00.000Z' }) });
    for (let i = 0; i < 2; i++) {
      assert.equal((await h.call('POST', '/waiting-rooms/later/tickets')).status, 201);
    }
    const third = await h.call('POST', '/waiting-rooms/later/tickets');
    assert.equal(third.status, 429);
    assert.equal(third.body.error.code, 'too_many_tickets');
  });

  it('joins from one address at once get no more places than the limit', async () => {
    // The count and the insert are two steps: 300 concurrent joins once got 99 places of 50.
    // In front of a sale already open: in arrival order (a shuffle stands before its opening).
    const made = await h.call('PUT', '/admin/waiting-rooms/burst', { token: ADMIN, body: room({
      target_id: 'su7-2024', opens_at: '2024-03-28T14:00:00.000Z',
      prequeue_at: '2024-03-28T13:30:00.000Z', order: 'fifo' }) });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const all = await Promise.all(Array.from({ length: 30 },
      () => h.call('POST', '/waiting-rooms/burst/tickets')));
    assert.equal(all.filter((r) => r.status === 201).length, 2,
      JSON.stringify(all.map((r) => [r.status, r.body.error?.code])));
    assert.ok(all.every((r) => r.status === 201 || r.body.error?.code === 'too_many_tickets'));
  });
});

describe('farming places: per network, and one place per signed-in account', () => {
  let h: Harness;
  /** A join from `ip`, asked again while refused for load (a shared machine's commit queue). */
  const from = async (ip: string, token?: string) => {
    for (let i = 0; ; i++) {
      const r = await h.call('POST', '/waiting-rooms/farm/tickets',
        { headers: { 'x-forwarded-for': ip }, ...(token ? { token } : {}) });
      if (r.body.error?.code !== 'overloaded' || i >= 50) return r;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  before(async () => {
    h = await harness({ LAUNCHDAY_RATE_LIMITS: 'on', LAUNCHDAY_TRUST_PROXY: 'on',
      LAUNCHDAY_WAITING_TICKETS_PER_ADDRESS_MAX: '2',
      LAUNCHDAY_WAITING_TICKETS_PER_NETWORK_MAX: '3' });
    const r = await h.call('PUT', '/admin/waiting-rooms/farm', { token: ADMIN,
      body: room({ grace_seconds: 300 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('one IPv4 /24 (or IPv6 /48) holds at most the configured places, however many addresses',
    async () => {
      for (const ip of ['198.51.100.1', '198.51.100.1', '198.51.100.2']) {
        assert.equal((await from(ip)).status, 201);
      }
      const fourth = await from('198.51.100.3');
      assert.equal(fourth.status, 429, JSON.stringify(fourth.body));
      assert.equal(fourth.body.error.code, 'too_many_tickets');
      assert.match(fourth.body.error.message, /at most 3 per IPv4 \/24 or IPv6 \/48/);
      const next = await from('198.51.101.3');
      assert.equal(next.status, 201, `the next /24 is another network: ${
        JSON.stringify(next.body)}`);
      for (const ip of ['2001:db8:7:1::1', '2001:db8:7:2::1', '2001:db8:7:3::1']) {
        const r = await from(ip);
        assert.equal(r.status, 201, `${ip}: ${JSON.stringify(r.body)}`);
      }
      assert.equal((await from('2001:db8:7:4::1')).body.error?.code, 'too_many_tickets');
    });

  it('an address counts as one however it is spelt; a forwarded value that is none, as the '
    + 'proxy\'s', async () => {
    // 192.0.2.1 is ::ffff:c000:201. Each spelling once got a place past the cap of its own.
    for (const ip of ['192.0.2.1', '::ffff:c000:201']) {
      const r = await from(ip);
      assert.equal(r.status, 201, `${ip}: ${JSON.stringify(r.body)}`);
    }
    for (const ip of ['::ffff:192.0.2.1', '0:0:0:0:0:ffff:192.0.2.1', '::FFFF:C000:0201',
      '0:0:0:0:0:ffff:c000:201']) {
      assert.equal((await from(ip)).body.error?.code, 'too_many_tickets', ip);
    }
    // Its network (192.0.2.0/24) holds 3: the third place, then none in any spelling.
    assert.equal((await from('192.0.2.2')).status, 201);
    assert.equal((await from('::ffff:c000:203')).body.error?.code, 'too_many_tickets');
    // Not an address (octal to some parsers, a port, text): counted as the socket's.
    const proxy = ['010.0.2.1', '192.0.2.9:443', 'unknown'];
    for (const ip of proxy.slice(0, 2)) {
      const r = await from(ip);
      assert.equal(r.status, 201, `${ip}: ${JSON.stringify(r.body)}`);
    }
    assert.equal((await from(proxy[2]!)).body.error?.code, 'too_many_tickets');
  });

  it('a signed-in join holds one place: joined again, from anywhere, it gets the same one',
    async () => {
      const a = await h.buyer(1);
      const first = await from('203.0.113.1', a.token);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const again = await from('203.0.113.1', a.token);
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(ticketId(again.body.ticket), ticketId(first.body.ticket), 'the same place');
      // From a full network too: no new place, so no limit is met.
      const elsewhere = await from('198.51.100.9', a.token);
      assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
      assert.equal(ticketId(elsewhere.body.ticket), ticketId(first.body.ticket));
      // Anonymous joins from the same address are places of their own, under its limit.
      const anon = await from('203.0.113.1');
      assert.equal(anon.status, 201);
      assert.notEqual(ticketId(anon.body.ticket), ticketId(first.body.ticket));
      assert.equal((await from('203.0.113.1')).body.error?.code, 'too_many_tickets');
      const b = await h.buyer(2);
      assert.equal((await from('203.0.113.2', b.token)).status, 201, 'another account');
      // The operator sees which places were taken signed in, and by whom.
      const listed = await h.call('GET', '/admin/waiting-rooms/farm/tickets?network=203.0.113.1',
        { token: ADMIN });
      assert.deepEqual(listed.body.tickets.map((t: { account_id: string | null }) =>
        t.account_id).sort(), [a.accountId, null].sort());
    });
});

describe('the opening instant and a pass raced by a refused request', () => {
  let h: Harness;
  const admit = () => h.ld.app.waitingRooms.admitRound();
  const tickets = new Map<string, string>();
  const poll = async (who: string) => {
    const r = await h.call('GET', '/waiting-rooms/edge/place',
      { headers: { 'x-waiting-room-ticket': tickets.get(who)! } });
    if (r.body?.ticket) tickets.set(who, r.body.ticket);
    return r;
  };

  before(async () => {
    h = await tickingHarness();
    const r = await h.call('PUT', '/admin/waiting-rooms/edge', { token: ADMIN,
      body: room({ grace_seconds: 300, active_max: 10 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('a ticket joined at the opening instant is shuffled with the pre-queue', async () => {
    for (let i = 0; i < 3; i++) {
      tickets.set(`early${i}`, (await h.call('POST', '/waiting-rooms/edge/tickets')).body.ticket);
    }
    await h.tick(60);
    assert.equal(h.ld.app.clock.nowMs(), Date.parse(OPENS), 'the clock stands at the opening');
    // A round of the admitter within the opening millisecond must not close the pre-queue.
    await admit();
    const edge = await h.call('POST', '/waiting-rooms/edge/tickets');
    assert.equal(edge.status, 201, JSON.stringify(edge.body));
    assert.equal(edge.body.phase, 'prequeue', 'arrived at the opening instant: in the shuffle');
    tickets.set('edge', edge.body.ticket);
    await h.tick(1);
    await admit();
    const info = await h.call('GET', '/waiting-rooms/edge');
    const order = shuffleOrder([...tickets.values()].map(ticketId), info.body.seed);
    // The clock stays put from here: the server's own admitter runs every 500 ms of real time,
    // and with the clock moved between polls (as this test once did) a round of it that came
    // between them on a slow machine let one more in and moved everyone after it up one.
    // At one instant a round admits nobody more (the bucket was emptied at it), as this one.
    await admit();
    let placed = 0;
    for (const [who, token] of tickets) {
      const r = await poll(who);
      const at = order.indexOf(ticketId(token));
      // The first of the shuffled order was admitted: the k-th (from 0) stands k-th.
      if (at === 0) {
        assert.equal(r.body.phase, 'admitted', JSON.stringify(r.body));
      } else {
        assert.equal(r.body.position, at,
          `${who} stands where the shuffle put it: ${JSON.stringify(r.body)}`);
        placed++;
      }
    }
    assert.equal(placed, 3);
  });

  it('a refused purchase racing a valid one with the same pass does not take it', async () => {
    await h.tick(2);
    await admit();
    let pass = '';
    for (const who of tickets.keys()) {
      await h.tick(1);
      const r = await poll(who);
      if (r.body.phase === 'admitted' && r.body.pass) { pass = r.body.pass.token; break; }
    }
    assert.ok(pass, 'someone was admitted');
    // One buyer's two requests (a pass is bound to one account: another's is refused at once).
    const buyer = await h.buyer(20);
    const [refused, ordered] = await Promise.all([
      h.call('POST', '/orders', { token: buyer.token, body: { ...YU7_MAX, trim: 'nope' },
        headers: { 'idempotency-key': 'bad', 'x-waiting-room-pass': pass } }),
      h.call('POST', '/orders', { token: buyer.token, body: YU7_MAX,
        headers: { 'idempotency-key': 'good', 'x-waiting-room-pass': pass } })]);
    assert.equal(refused.body.error?.code, 'unknown_trim');
    assert.equal(ordered.status, 201, JSON.stringify(ordered.body));
    const again = await h.call('POST', '/orders', { token: buyer.token, body: YU7_MAX,
      headers: { 'idempotency-key': 'bad-2', 'x-waiting-room-pass': pass } });
    assert.equal(again.body.error?.code, 'waiting_room_pass_invalid', 'the good order spent it');
  });
});

describe('quick joins after the opening', () => {
  let h: Harness;
  const tickets = new Map<string, string>();
  const poll = async (who: string) => {
    const r = await h.call('GET', '/waiting-rooms/quick/place',
      { headers: { 'x-waiting-room-ticket': tickets.get(who)! } });
    if (r.body?.ticket) tickets.set(who, r.body.ticket);
    return r;
  };

  before(async () => {
    h = await tickingHarness();
    // Suspended: nobody is admitted, so each one's true position stays put.
    const r = await h.call('PUT', '/admin/waiting-rooms/quick', { token: ADMIN,
      body: room({ order: 'fifo', suspended: true, grace_seconds: 300 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    await h.tick(61);
    await h.ld.app.waitingRooms.admitRound();
  });
  after(async () => h.close());

  it('a join newer than the copy of the line is shown no position until it is counted, then '
    + 'its true one', async () => {
    // The clock stands still: the copy of the line read at the first join is not read again,
    // as a copy up to two seconds old is served at a stampede. Joins used to be given their
    // place in that copy, which did not hold them: all of them were shown too small a
    // position (p in the ticket), for good.
    const shown = new Map<string, number[]>();
    for (const who of ['a', 'b', 'c', 'd']) {
      // A millisecond apart, so that the line's order is the order of joining (within one
      // millisecond it is a random tie-break).
      (h.ld.app.clock as SimulatedClock).tick(1);
      const j = await h.call('POST', '/waiting-rooms/quick/tickets');
      assert.equal(j.status, 201, JSON.stringify(j.body));
      assert.equal(j.body.phase, 'waiting');
      tickets.set(who, j.body.ticket);
      shown.set(who, j.body.position === null ? [] : [j.body.position]);
      if (j.body.position === null) {
        assert.equal(j.body.ahead, null);
        assert.ok(j.body.poll_after_seconds <= 1, 'a place being counted is polled again soon');
      }
    }
    for (let round = 0; round < 3; round++) {
      await h.tick(1);
      for (const who of tickets.keys()) {
        const r = await poll(who);
        assert.equal(r.body.phase, 'waiting', JSON.stringify(r.body));
        if (r.body.position !== null) shown.get(who)!.push(r.body.position);
      }
    }
    // In the order they joined, with nobody admitted: a is 1st, b 2nd, c 3rd, d 4th.
    [...shown].forEach(([who, seen], i) => {
      assert.ok(seen.length > 0, `${who} was shown a position once the line was read again`);
      assert.ok(seen.every((p) => p >= i + 1), `${who} (${i + 1}) was shown ${seen}`);
      assert.equal(seen[seen.length - 1], i + 1, `${who} ends at its true position`);
    });
  });
});

describe('a waiting room under load', () => {
  it('refuses a join with 503 overloaded while the commit queue is past its bound', async () => {
    const h = await harness();
    let release: () => void = () => undefined;
    const writes: Array<Promise<unknown>> = [];
    try {
      const put = await h.call('PUT', '/admin/waiting-rooms/busy', { token: ADMIN,
        body: room() });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      assert.equal((await h.call('POST', '/waiting-rooms/busy/tickets')).status, 201);
      // The writer held by a transaction of the event loop's own: writes queue behind it, a
      // batch in flight for each slot and one more waiting, past the queue's delay bound.
      const held = h.ld.app.deps.store.transaction(() =>
        new Promise<void>((resolve) => { release = resolve; }));
      writes.push(held);
      for (let i = 0; i <= h.ld.app.deps.limits.batchesInFlightMax; i++) {
        writes.push(h.ld.app.core.writeInBatch('setMeta', `load-test-${i}`, 'queued'));
        await new Promise((r) => setImmediate(r));
      }
      await new Promise((r) => setTimeout(r, h.ld.app.deps.limits.queueDelayMaxMs + 50));
      const out: { reply: { status: number; body: any } | null } = { reply: null };
      const join = h.call('POST', '/waiting-rooms/busy/tickets').then((r) => { out.reply = r; });
      writes.push(join);
      // The writer stays held until `finally`: any answer before then was not queued behind
      // it. The bound is generous so that a loaded machine is not mistaken for a queued join.
      await Promise.race([join, new Promise((r) => setTimeout(r, 5_000))]);
      // Before, a join was essential: it waited in the queue behind everything, unbounded.
      assert.ok(out.reply !== null, 'answered at once, not queued behind the held writer');
      assert.equal(out.reply.status, 503);
      assert.equal(out.reply.body.error.code, 'overloaded');
    } finally {
      release();
      await Promise.all(writes);
      await h.close();
    }
  });
});

describe('the poll interval follows the wait', () => {
  let h: Harness;
  before(async () => { h = await tickingHarness(); });
  after(async () => h.close());

  it('a place far back is told to poll less often than one near the front, within the grace; '
    + 'the pre-queue is aimed just past the opening', async () => {
    // One a minute, a one-minute grace: the room's longest interval is a sixth of it, 10 s.
    const put = await h.call('PUT', '/admin/waiting-rooms/paced', { token: ADMIN,
      body: room({ admit_per_minute: 1, waiting_status: 429 }) });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const early = await h.call('POST', '/waiting-rooms/paced/tickets');
    assert.equal(early.body.phase, 'prequeue');
    const far = early.body.poll_after_seconds;
    assert.ok(far >= 8 && far <= 10, `a minute before the opening: the cap, ${far}`);
    await h.tick(57);
    const soon = await h.call('GET', '/waiting-rooms/paced/place',
      { headers: { 'x-waiting-room-ticket': early.body.ticket } });
    assert.equal(soon.body.phase, 'prequeue');
    const aimed = soon.body.poll_after_seconds;
    assert.ok(aimed >= 4 && aimed <= 10, `3 s before the opening: just past it, ${aimed}`);
    assert.equal(soon.headers['retry-after'], String(aimed), 'Retry-After says the same');
    await h.tick(4);
    // The admitter's round shuffles the pre-queue at the opening: a copy of the line read
    // before the shuffle gives no positions (the people shuffled in go in front of later ones).
    await h.ld.app.waitingRooms.admitRound();
    const places = [];
    for (let i = 0; i < 3; i++) {
      // Two seconds apart: each join reads the line again, so it is shown behind the others.
      await h.tick(2);
      places.push(await h.call('POST', '/waiting-rooms/paced/tickets'));
    }
    const polled = [];
    for (const p of places) {
      // Two seconds: the process's copy of the line is read again, not served while it is.
      await h.tick(2);
      polled.push(await h.call('GET', '/waiting-rooms/paced/place',
        { headers: { 'x-waiting-room-ticket': p.body.ticket } }));
    }
    const [first, , third] = polled.map((r) => {
      assert.equal(r.status, 429, JSON.stringify(r.body));
      assert.equal(r.headers['retry-after'], String(r.body.poll_after_seconds));
      return { position: r.body.position, after: r.body.poll_after_seconds as number };
    });
    assert.ok(first!.position < third!.position, JSON.stringify(polled.map((r) => r.body)));
    assert.ok(third!.after > first!.after, `near ${JSON.stringify(first)}, far ${
      JSON.stringify(third)}`);
    assert.ok(third!.after <= 10, 'never longer than a sixth of the grace');
  });
});

describe('a waiting reply with the default status', () => {
  let h: Harness;
  before(async () => { h = await tickingHarness(); });
  after(async () => h.close());

  it('carries Retry-After too (docs/api.md "Apps"): an app reading the header need not parse '
    + 'the JSON', async () => {
    const put = await h.call('PUT', '/admin/waiting-rooms/plain', { token: ADMIN, body: room() });
    assert.equal(put.status, 201, JSON.stringify(put.body));
    const joined = await h.call('POST', '/waiting-rooms/plain/tickets');
    assert.equal(joined.status, 201);
    assert.equal(joined.headers['retry-after'], String(joined.body.poll_after_seconds));
    const polled = await h.call('GET', '/waiting-rooms/plain/place',
      { headers: { 'x-waiting-room-ticket': joined.body.ticket } });
    assert.equal(polled.status, 200, JSON.stringify(polled.body));
    assert.equal(polled.body.phase, 'prequeue');
    assert.equal(polled.headers['retry-after'], String(polled.body.poll_after_seconds));
  });
});

describe('a pass claimed by a request still paying', () => {
  let h: Harness;
  const admit = () => h.ld.app.waitingRooms.admitRound();

  before(async () => {
    h = await tickingHarness();
    const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN, body: {
      name: 'Limited jacket', name_zh: '限量夹克', kind: 'merch', price_fen: 129_900,
      opens_at: OPENS, per_account_limit: 2, per_identity_limit: 2,
      variants: [{ variant: 's', name: 'S', name_zh: 'S', quantity: 5 }] } });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));
    const r = await h.call('PUT', '/admin/waiting-rooms/shop', { token: ADMIN,
      body: room({ scope: 'drop', target_id: 'jacket', grace_seconds: 300 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('a second request is told to try again in a moment, not to join the room again',
    async () => {
      let ticket = (await h.call('POST', '/waiting-rooms/shop/tickets')).body.ticket as string;
      await h.tick(61);
      await admit();
      await h.tick(1);
      await admit();
      await h.tick(1);
      const place = await h.call('GET', '/waiting-rooms/shop/place',
        { headers: { 'x-waiting-room-ticket': ticket } });
      ticket = place.body.ticket;
      assert.equal(place.body.phase, 'admitted', JSON.stringify(place.body));
      const pass = place.body.pass.token as string;
      const b = await h.buyer(1);
      const buy = (key: string, source?: string) => h.call('POST', '/drops/jacket/purchases',
        { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
          'x-waiting-room-pass': pass, ...(source ? { 'x-payment-source': source } : {}) } });
      // A pays through the 10 s slow bank, which then declines; B comes 200 ms later (a second
      // tab, a double tap) with the same pass. The room's clock then moves on past 10 s while
      // A still pays (the simulated clock stands still unless moved): A's claim must still hold.
      const a = buy('a', 'slow10-decline-aa');
      // B once A's claim is in (a fixed 200 ms need not be, on a loaded machine).
      const passId = JSON.parse(Buffer.from(pass.split('.')[1]!, 'base64url').toString())
        .p as string;
      for (let i = 0; i < 500 && (await h.ld.app.deps.store.pass(passId))?.status !== 'spent';
        i++) await new Promise((r) => setTimeout(r, 20));
      const b2 = buy('b');
      await new Promise((r) => setTimeout(r, 300));
      await h.tick(11);
      const second = await b2;
      assert.equal(second.status, 409, JSON.stringify(second.body));
      assert.equal(second.body.error.code, 'waiting_room_pass_in_use');
      assert.equal(second.body.error.room_url, '/waiting-room?room=shop');
      assert.ok(Number(second.headers['retry-after']) >= 1, 'says when to try again');
      assert.equal((await a).body.error?.code, 'payment_declined');
      // The declined payment gave the pass back: B's retry buys with it, and then it is spent.
      const retried = await buy('b');
      assert.equal(retried.status, 201, JSON.stringify(retried.body));
      assert.equal((await buy('c')).body.error?.code, 'waiting_room_pass_invalid');
    });

  it('a pass\'s claim outlasts the slowest payment and the commit queue', () => {
    const l = h.ld.app.deps.limits;
    assert.ok(l.waitingPassClaimMs >= SLOW_SOURCE_SECONDS_MAX * 1000 + l.queueDelayMaxMs);
    assert.ok(l.waitingPassClaimWaitMs < l.waitingPassClaimMs);
  });
});

describe('a room switched off while people wait', () => {
  let h: Harness;
  const admit = () => h.ld.app.waitingRooms.admitRound();
  const tickets: string[] = [];
  const poll = async (i: number) => {
    const r = await h.call('GET', '/waiting-rooms/pause/place',
      { headers: { 'x-waiting-room-ticket': tickets[i]! } });
    if (r.body?.ticket) tickets[i] = r.body.ticket;
    return r;
  };
  const declared = (r: { status: number; body: unknown }) => {
    const valid = compileReply(Rooms.place(h.ld.app.deps.limits).replies[r.status]!);
    assert.ok(valid(r.body), JSON.stringify(valid.errors));
  };
  const put = (enabled: boolean) => h.call('PUT', '/admin/waiting-rooms/pause', { token: ADMIN,
    body: room({ enabled, active_max: 1, grace_seconds: 300, pass_seconds: 900 }) });

  before(async () => {
    h = await tickingHarness();
    assert.equal((await put(true)).status, 201);
  });
  after(async () => h.close());

  it('polls say the room is off and where to go on; switched on, the places count again',
    async () => {
      for (let i = 0; i < 3; i++) {
        tickets.push((await h.call('POST', '/waiting-rooms/pause/tickets')).body.ticket);
      }
      await h.tick(61);
      await admit();
      await h.tick(1);
      const before = await Promise.all([0, 1, 2].map(poll));
      const waiting = before.filter((r) => r.body.phase === 'waiting');
      assert.equal(waiting.length, 2, JSON.stringify(before.map((r) => r.body.phase)));
      assert.equal((await put(false)).status, 200);
      await h.tick(1);
      const off = await poll(0);
      assert.equal(off.status, 200, JSON.stringify(off.body));
      assert.equal(off.body.phase, 'off');
      assert.equal(off.body.next_url, '/configure?launch=yu7-2025');
      assert.equal(off.body.estimate, null, 'no estimate for a line that does not move');
      declared(off);
      const b = await h.buyer(1);
      assert.equal((await h.order(b.token, 'off', YU7_MAX)).status, 201, 'the sale is ungated');
      const join = await h.call('POST', '/waiting-rooms/pause/tickets');
      assert.equal(join.body.error?.code, 'waiting_room_not_open');
      assert.match(join.body.error.message, /switched off/);
      assert.equal(join.body.error.next_url, '/configure?launch=yu7-2025');
      // Off for longer than the grace: the pollers keep their places.
      for (let i = 0; i < 4; i++) {
        await h.tick(100);
        await Promise.all([0, 1, 2].map(poll));
      }
      assert.equal((await put(true)).status, 200);
      await h.tick(1);
      // A round of the server's own admitter (every 500 ms of real time) may come here: with
      // the admitted one's pass still running the cap of 1 stays full, so it admits no one.
      // (With a 120 s pass, ended meanwhile, a round that came on a slow machine let the first
      // waiting one in, and this test failed now and then.)
      await admit();
      const back = await Promise.all([0, 1, 2].map(poll));
      for (let i = 0; i < 3; i++) {
        if (before[i]!.body.phase !== 'waiting') continue;
        assert.equal(back[i]!.body.phase, 'waiting', JSON.stringify(back[i]!.body));
        assert.equal(back[i]!.body.position, before[i]!.body.position);
      }
    });
});

describe('a waiting room in front of a drop sold for good', () => {
  it('refuses joins and polls with drop_sold_out, and admits no one more', async () => {
    const h = await tickingHarness();
    try {
      const drop = await h.call('PUT', '/admin/drops/cap', { token: ADMIN, body: {
        name: 'Launch cap', name_zh: '首发帽', kind: 'merch', price_fen: 19_900, opens_at: OPENS,
        per_account_limit: 1, per_identity_limit: 1,
        variants: [{ variant: 'one', name: 'One size', name_zh: '均码', quantity: 1 }] } });
      assert.equal(drop.status, 201, JSON.stringify(drop.body));
      const put = await h.call('PUT', '/admin/waiting-rooms/capq', { token: ADMIN,
        body: room({ scope: 'drop', target_id: 'cap', grace_seconds: 300 }) });
      assert.equal(put.status, 201, JSON.stringify(put.body));
      const tickets: string[] = [];
      for (let i = 0; i < 3; i++) {
        tickets.push((await h.call('POST', '/waiting-rooms/capq/tickets')).body.ticket);
      }
      const poll = (i: number) => h.call('GET', '/waiting-rooms/capq/place',
        { headers: { 'x-waiting-room-ticket': tickets[i]! } });
      await h.tick(61);
      await h.ld.app.waitingRooms.admitRound();
      let pass = '';
      for (let i = 0; i < tickets.length && !pass; i++) {
        const r = await poll(i);
        tickets[i] = r.body.ticket;
        if (r.body.phase === 'admitted') pass = r.body.pass.token;
      }
      assert.ok(pass, 'someone was admitted');
      const buyer = await h.buyer(40);
      const bought = await h.call('POST', '/drops/cap/purchases', { token: buyer.token,
        body: { variant: 'one' },
        headers: { 'idempotency-key': 'cap-40', 'x-waiting-room-pass': pass } });
      assert.equal(bought.status, 201, JSON.stringify(bought.body));
      const admitted = async () => {
        const o = await h.ld.app.waitingRooms.overview('capq');
        assert.ok(o.ok);
        return o.value.room.admittedTotal;
      };
      const before = await admitted();
      // What the drop's stock says is read again at most once a second (DropsService).
      await new Promise((r) => setTimeout(r, 1_100));
      const join = await h.call('POST', '/waiting-rooms/capq/tickets');
      assert.equal(join.status, 409, JSON.stringify(join.body));
      assert.equal(join.body.error.code, 'drop_sold_out');
      assert.match(join.body.error.message, /sold out.*admits no one more/);
      await h.tick(2);
      const polled = await poll(1);
      assert.equal(polled.status, 409, JSON.stringify(polled.body));
      assert.equal(polled.body.error.code, 'drop_sold_out');
      // Rounds go on, places wait under the cap (3, one pass spent): none is admitted.
      for (let i = 0; i < 5; i++) {
        await h.tick(2);
        await h.ld.app.waitingRooms.admitRound();
      }
      assert.equal(await admitted(), before);
    } finally {
      await h.close();
    }
  });
});

describe('a room in arrival order', () => {
  let h: Harness;
  const admit = () => h.ld.app.waitingRooms.admitRound();
  before(async () => {
    h = await tickingHarness();
    const r = await h.call('PUT', '/admin/waiting-rooms/fifo', { token: ADMIN,
      body: room({ order: 'fifo', grace_seconds: 300, active_max: 1 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('keeps its pre-queue without positions until the opening, then in the order they came',
    async () => {
      // Joins before the opening were answered "waiting", position 1, counted before later
      // joins within the same millisecond (a simulated clock's every join), and kept as the
      // least shown while four were ahead (the attacker's find).
      const tokens: string[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await h.call('POST', '/waiting-rooms/fifo/tickets');
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.deepEqual([r.body.phase, r.body.position, r.body.estimate],
          ['prequeue', null, null], JSON.stringify(r.body));
        tokens.push(r.body.ticket);
        if (i % 2 === 1) await h.tick(1); // two pairs, each within one millisecond
      }
      const o = await h.call('GET', '/admin/waiting-rooms/fifo', { token: ADMIN });
      assert.equal(o.body.prequeue, 4, 'in the pre-queue, unkeyed');
      assert.equal((await h.call('GET', '/waiting-rooms/fifo/shuffle')).body.error.code,
        'waiting_room_not_shuffled', 'arrival order draws nothing');
      await h.tick(60); // past the opening
      const late = await h.call('POST', '/waiting-rooms/fifo/tickets');
      tokens.push(late.body.ticket);
      await admit();
      await h.tick(2);
      const byId = new Map<string, number>();
      for (const t of tokens) {
        const r = await h.call('GET', '/waiting-rooms/fifo/place',
          { headers: { 'x-waiting-room-ticket': t } });
        byId.set(ticketId(t), r.body.phase === 'admitted' ? 0 : r.body.position);
      }
      // In the order of their joins (one millisecond's by id), the late one last; the first
      // admitted at the opening.
      const list = (await h.call('GET', '/admin/waiting-rooms/fifo/tickets?status=admitted',
        { token: ADMIN })).body.tickets.map((t: any) => t.ticket_id);
      const pairs = [tokens.slice(0, 2), tokens.slice(2, 4)].map((p) => p.map(ticketId).sort());
      const order = [...pairs[0]!, ...pairs[1]!, ticketId(tokens[4]!)];
      assert.deepEqual(list, [order[0]]);
      assert.deepEqual(order.map((id) => byId.get(id)), [0, 1, 2, 3, 4], JSON.stringify([...byId]));
    });
});
