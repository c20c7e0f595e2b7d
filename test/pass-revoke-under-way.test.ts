// An operator revokes a pass while an order or purchase with it is under way (the attacker's
// find: the revoke was refused as "spent", the payment was declined, the pass came back and
// bought again, so a bot that kept a declined payment running kept its pass). Now the revoke
// takes: the request under way finishes as it would, and the pass never comes back usable.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, tickingHarness, until, YU7_MAX, type Harness } from './harness.js';
import { jacketDrop } from './drop-fixtures.js';

const OPENS = '2025-06-26T14:00:00.000Z';
const room = (scope: string, target: string) => ({ scope, target_id: target, enabled: true,
  opens_at: OPENS, prequeue_at: '2025-06-26T13:50:00.000Z', admit_per_minute: 60,
  active_max: 10, pass_seconds: 900, grace_seconds: 300 });
/** The pass id a signed pass carries. */
const passIdOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url')
  .toString()).p as string;

describe('a pass revoked while an order or purchase with it is under way', () => {
  let h: Harness;
  /** Room id -> the passes of its admitted tickets, in the order they were admitted. */
  const passes = new Map<string, string[]>();

  before(async () => {
    h = await tickingHarness();
    const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ s: 9 }, { opens_at: OPENS, per_account_limit: 3,
        per_identity_limit: 3 }) });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));
    for (const [id, scope, target] of [['shop', 'drop', 'jacket'], ['night', 'launch',
      'yu7-2025']] as const) {
      const r = await h.call('PUT', `/admin/waiting-rooms/${id}`, { token: ADMIN,
        body: room(scope, target) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const tickets: Array<[string, string]> = [];
    for (const id of ['shop', 'shop', 'night', 'shop']) {
      tickets.push([id, (await h.call('POST', `/waiting-rooms/${id}/tickets`)).body.ticket]);
    }
    await h.tick(61);
    // One a second per room: a few rounds admit all three.
    for (let round = 0; round < 10 && tickets.length > 0; round++) {
      await h.ld.app.waitingRooms.admitRound();
      await h.tick(1);
      for (const t of [...tickets]) {
        const place = await h.call('GET', `/waiting-rooms/${t[0]}/place`,
          { headers: { 'x-waiting-room-ticket': t[1] } });
        t[1] = place.body.ticket ?? t[1];
        if (place.body.phase !== 'admitted') continue;
        passes.set(t[0], [...passes.get(t[0]) ?? [], place.body.pass.token]);
        tickets.splice(tickets.indexOf(t), 1);
      }
    }
    assert.equal(tickets.length, 0, 'all four admitted');
  });
  after(async () => h.close());

  const revoke = (roomId: string, pass: string) => h.call('POST',
    `/admin/waiting-rooms/${roomId}/passes/${passIdOf(pass)}/revoke`, { token: ADMIN,
      body: { reason: 'bot' } });
  /** The pass as the operator's view of its room lists it. */
  const passView = async (pass: string) => (await h.call('GET', '/admin/waiting-rooms/shop',
    { token: ADMIN })).body.passes.find((x: any) => x.pass_id === passIdOf(pass));
  const pick = (p: any) => [p.status, p.under_way];
  /** Waits (real time) until a request under way has claimed the pass. */
  const claimed = async (pass: string) => {
    await until('the purchase to claim its pass', async () =>
      (await h.ld.app.deps.store.pass(passIdOf(pass)))?.status === 'spent');
  };

  it('a declined purchase gives its pass back revoked: the buyer cannot use it again',
    async () => {
      const pass = passes.get('shop')![0]!;
      const b = await h.buyer(1);
      const buy = (key: string, source?: string) => h.call('POST', '/drops/jacket/purchases',
        { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
          'x-waiting-room-pass': pass, ...(source ? { 'x-payment-source': source } : {}) } });
      const paying = buy('a', 'slow3-decline-bot');
      await claimed(pass);
      // The operator's view says the spent pass's purchase is still under way.
      assert.deepEqual(pick(await passView(pass)), ['spent', true]);
      const rv = await revoke('shop', pass);
      assert.equal(rv.status, 200, JSON.stringify(rv.body));
      assert.equal(rv.body.pass.status, 'revoked');
      // Meanwhile another request of the same buyer is refused at once, not told to wait.
      assert.equal((await buy('b')).body.error?.code, 'waiting_room_pass_invalid');
      assert.equal((await paying).body.error?.code, 'payment_declined');
      assert.deepEqual(pick(await passView(pass)), ['revoked', false]);
      const again = await buy('c');
      assert.equal(again.status, 403, JSON.stringify(again.body));
      assert.equal(again.body.error.code, 'waiting_room_pass_invalid');
      assert.match(again.body.error.message, /revoked/);
      const audit = await h.call('GET', '/admin/audit-log?limit=100', { token: ADMIN });
      const entry = audit.body.entries.find((e: any) => e.action === 'waiting_room.revoke_pass'
        && e.detail.pass_id === passIdOf(pass));
      assert.equal(entry?.detail.claimed_by, b.accountId, 'the audit names whose request held it');
    });

  it('a purchase that pays finishes; its pass reads revoked, spent at its claim', async () => {
    const pass = passes.get('shop')![1]!;
    const b = await h.buyer(2);
    const buy = (key: string, source?: string) => h.call('POST', '/drops/jacket/purchases',
      { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
        'x-waiting-room-pass': pass, ...(source ? { 'x-payment-source': source } : {}) } });
    const paying = buy('a', 'slow3-card');
    await claimed(pass);
    assert.equal((await revoke('shop', pass)).status, 200);
    const paid = await paying;
    assert.equal(paid.status, 201, JSON.stringify(paid.body));
    const p = await passView(pass);
    assert.deepEqual(pick(p), ['revoked', false]);
    assert.ok(p.spent_at, 'spent on the purchase that went through');
    // Its retry is answered as the purchase; another purchase with it is refused.
    assert.equal((await buy('a')).status, 200);
    assert.equal((await buy('b')).body.error?.code, 'waiting_room_pass_invalid');
    // A second revoke changes nothing.
    assert.equal((await revoke('shop', pass)).body.pass?.status, 'revoked');
  });

  it('a claim left by a killed process, then revoked: its key\'s retry buys nothing',
    async () => {
      const pass = passes.get('shop')![2]!;
      const b = await h.buyer(4);
      const buy = (key: string) => h.call('POST', '/drops/jacket/purchases',
        { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
          'x-waiting-room-pass': pass } });
      // The purchase claimed the pass, and its process died (kill -9) before the hold's commit:
      // nothing was held under the key, and nothing settles the claim.
      assert.equal(await h.ld.app.drops.admission.claim('jacket', pass, b.accountId, 'k1'),
        null);
      assert.equal((await revoke('shop', pass)).status, 200);
      const retried = await buy('k1');
      assert.equal(retried.status, 403, JSON.stringify(retried.body));
      assert.equal(retried.body.error.code, 'waiting_room_pass_invalid');
      assert.match(retried.body.error.message, /revoked/);
      assert.equal((await buy('k2')).body.error?.code, 'waiting_room_pass_invalid');
    });

  it('an order refused after its pass was revoked gives it back revoked (the launch\'s gate)',
    async () => {
      const pass = passes.get('night')![0]!;
      const b = await h.buyer(3);
      // An order's own request commits in a moment: the gate is driven as POST /orders does,
      // with the revoke between its claim and its outcome.
      const gate = h.ld.app.orders.admission;
      assert.equal(await gate.claim('yu7-2025', pass, b.accountId, 'k1'), null);
      assert.equal((await revoke('night', pass)).status, 200);
      await gate.settle('yu7-2025', pass, b.accountId, 'k1', { code: 'unknown_trim' });
      const order = await h.call('POST', '/orders', { token: b.token, body: YU7_MAX,
        headers: { 'idempotency-key': 'k2', 'x-waiting-room-pass': pass } });
      assert.equal(order.status, 403, JSON.stringify(order.body));
      assert.equal(order.body.error.code, 'waiting_room_pass_invalid');
    });
});
