// What the room tells its operator and the public is true (issue 17, a new user's and an
// attacker's finds): a pass's status as of the reply (an expired pass is not "active" and offers
// no revocation), the cap named when it stops admissions, pass rows that name their ticket and
// the account that used them; and the shuffle recomputed by an outsider from public data only,
// by the recipe docs/api.md gives ("Checking the draw"), written here apart from the server's.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ADMIN, YU7_MAX, harness, type Harness } from './harness.js';

const OPENS = '2025-06-26T14:00:00.000Z';
const room = (overrides: object = {}) => ({ scope: 'launch', target_id: 'yu7-2025',
  enabled: true, opens_at: OPENS, prequeue_at: '2025-06-26T13:50:00.000Z',
  admit_per_minute: 60, active_max: 2, pass_seconds: 120, grace_seconds: 3600, ...overrides });

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/**
 * The draw as docs/api.md describes it, from public data only: Fisher-Yates over the published
 * hashes sorted, driven by sha256(seed ":" block) read as 32-bit big-endian numbers, each taken
 * below n by rejection. Deliberately not the server's shuffleOrder.
 */
function redraw(input: readonly string[], seed: string): string[] {
  const out = [...input];
  let block = 0;
  let words: number[] = [];
  const next = () => {
    if (words.length === 0) {
      const h = createHash('sha256').update(`${seed}:${block++}`).digest();
      for (let i = 0; i < 32; i += 4) words.push(h.readUInt32BE(i));
    }
    return words.shift()!;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const n = i + 1;
    const limit = Math.floor(2 ** 32 / n) * n;
    let x = next();
    while (x >= limit) x = next();
    const j = x % n;
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('the operator\'s view of passes tells the truth at its time', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    const r = await h.call('PUT', '/admin/waiting-rooms/night', { token: ADMIN, body: room() });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('an expired pass is expired, not active; the cap is named while it stops admissions; rows '
    + 'name the ticket and the account that spent the pass', async () => {
    const tickets: string[] = [];
    for (let i = 0; i < 4; i++) {
      tickets.push((await h.call('POST', '/waiting-rooms/night/tickets')).body.ticket);
    }
    await h.tick(600);
    // One a second at 60 a minute: three rounds, and the cap of 2 stops the third admission.
    for (let i = 0; i < 3; i++) {
      await h.ld.app.waitingRooms.admitRound();
      await h.tick(1);
    }
    const full = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
    assert.equal(full.body.active_passes, 2);
    assert.equal(full.body.cap_reached, true, JSON.stringify(full.body));
    assert.deepEqual(full.body.passes.map((p: any) => p.status), ['active', 'active']);
    for (const p of full.body.passes) {
      assert.ok(p.ticket_id, 'each pass names its ticket');
      assert.equal(p.account_id, null, 'nobody has used it yet');
    }
    // One admitted person orders with the pass: the row names the account that spent it.
    let pass = '';
    for (const t of tickets) {
      const r = await h.call('GET', '/waiting-rooms/night/place',
        { headers: { 'x-waiting-room-ticket': t } });
      if (r.body.pass) { pass = r.body.pass.token; break; }
    }
    const b = await h.buyer(20);
    const o = await h.call('POST', '/orders', { token: b.token, body: YU7_MAX,
      headers: { 'idempotency-key': 'truth-1', 'x-waiting-room-pass': pass } });
    assert.equal(o.status, 201, JSON.stringify(o.body));
    await h.tick(1);
    await h.ld.app.waitingRooms.admitRound();
    // The other pass lapses unused, as does the one given in the spent one's place.
    await h.tick(121);
    const later = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
    assert.equal(later.body.active_passes, 0, JSON.stringify(later.body));
    const statuses = later.body.passes.map((p: any) => p.status).sort();
    assert.deepEqual(statuses, ['expired', 'expired', 'spent'], JSON.stringify(later.body));
    const spent = later.body.passes.find((p: any) => p.status === 'spent');
    assert.equal(spent.account_id, b.accountId);
    assert.equal(later.body.cap_reached, false);
    // An ended pass is no longer active: revoking it is refused and leaves it expired (it was
    // turned "revoked", a record of an operator's act that never stopped anyone).
    const ended = later.body.passes.find((p: any) => p.status === 'expired');
    const rv = await h.call('POST', `/admin/waiting-rooms/night/passes/${ended.pass_id}/revoke`,
      { token: ADMIN, body: { reason: 'stalled the room' } });
    assert.equal(rv.status, 409, JSON.stringify(rv.body));
    assert.equal(rv.body.error.code, 'waiting_pass_not_active');
    assert.equal(rv.body.error.status, 'expired', JSON.stringify(rv.body));
    assert.match(rv.body.error.message, /ended at .*would stop no one/);
    const spentRv = await h.call('POST',
      `/admin/waiting-rooms/night/passes/${spent.pass_id}/revoke`,
      { token: ADMIN, body: { reason: 'stalled the room' } });
    assert.deepEqual([spentRv.status, spentRv.body.error?.status], [409, 'spent']);
    const still = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
    assert.equal(still.body.revoked_passes, 0);
  });
});

describe('anyone can check the draw from public data', () => {
  let h: Harness;
  before(async () => {
    h = await harness();
    const r = await h.call('PUT', '/admin/waiting-rooms/night', { token: ADMIN,
      body: room({ active_max: 3 }) });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(async () => h.close());

  it('the published hashes sorted and the seed give the published order, and a buyer finds '
    + 'their place', async () => {
      const before = await h.call('GET', '/waiting-rooms/night/shuffle');
      assert.equal(before.status, 409, JSON.stringify(before.body));
      assert.equal(before.body.error.code, 'waiting_room_not_shuffled');
      const tickets: string[] = [];
      for (let i = 0; i < 9; i++) {
        tickets.push((await h.call('POST', '/waiting-rooms/night/tickets')).body.ticket);
      }
      // Noted before the opening: the commitment, while the seed is still secret.
      const noted = await h.call('GET', '/waiting-rooms/night');
      assert.equal(noted.body.seed, null);
      await h.tick(600);
      for (let i = 0; i < 3; i++) {
        await h.ld.app.waitingRooms.admitRound();
        await h.tick(1);
      }
      const late = await h.call('POST', '/waiting-rooms/night/tickets');
      assert.equal(late.status, 201);
      // Pages of 4: the whole draw, in rank order. Nothing but the hashes and the seed is used:
      // an input order the server stated (the input_index of the first scheme) would let any
      // order check out.
      const entries: Array<{ rank: number; ticket_hash: string }> = [];
      let seed = '';
      let commitment = '';
      for (let offset = 0; ; offset += 4) {
        const page = await h.call('GET', `/waiting-rooms/night/shuffle?offset=${offset}&limit=4`);
        assert.equal(page.status, 200, JSON.stringify(page.body));
        assert.equal(page.body.count, 9, 'the late arrival was not in the draw');
        assert.equal(page.body.scheme, 2);
        seed = page.body.seed;
        commitment = page.body.seed_commitment;
        entries.push(...page.body.entries);
        if (page.body.entries.length < 4) break;
      }
      assert.equal(entries.length, 9);
      assert.equal(commitment, noted.body.seed_commitment);
      assert.equal(sha256(seed), commitment, 'the seed is the one committed to');
      assert.ok(entries.every((e) => !('input_index' in e)), 'no input order to take on trust');
      const input = entries.map((e) => e.ticket_hash).sort();
      assert.equal(new Set(input).size, 9, 'every drawn ticket is published once');
      const drawn = redraw(input, seed);
      assert.deepEqual(drawn, [...entries].sort((a, b) => a.rank - b.rank)
        .map((e) => e.ticket_hash), 'the published order is the seed\'s');
      // Each buyer finds their own hash; the ones admitted first are the draw's first.
      const admitted: number[] = [];
      for (const t of tickets) {
        const r = await h.call('GET', '/waiting-rooms/night/place',
          { headers: { 'x-waiting-room-ticket': t } });
        const mine = entries.find((e) => e.ticket_hash === r.body.ticket_hash);
        assert.ok(mine, `the place reply names a drawn ticket: ${JSON.stringify(r.body)}`);
        if (r.body.phase === 'admitted') admitted.push(mine.rank);
        else if (r.body.position !== null) {
          assert.equal(r.body.position, mine.rank - 3, 'the line follows the draw');
        }
      }
      assert.deepEqual(admitted.sort(), [1, 2, 3]);
      assert.equal(late.body.ticket_hash.length, 64);
      assert.ok(!entries.some((e) => e.ticket_hash === late.body.ticket_hash));
      // Ticket ids are never published, only their hashes.
      assert.ok(!JSON.stringify(entries).includes('wrt_'));
    });
});
