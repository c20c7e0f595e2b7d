// Anti-scalping through HTTP (in-process, simulated clock; each buyer's network as a proxy in
// front would send it): the report sees a ring by every account that tried, not only those
// that bought (a purchase refused as sold out, a waiting room joined while signed in), and an
// honest buyer who shares only the ring's parcel locker is shown as linked, never flagged, and
// left out of the cluster's cancel (issue #17).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { syntheticIdentity } from '../src/accounts/identity.js';
import * as Scalpers from '../src/scalpers/scalper-schemas.js';
import { compileReply } from '../src/kernel/http/schema.js';
import { JACKET_OPENS as OPENS, jacketDrop } from './drop-fixtures.js';
import { ADMIN, harness, type Harness } from './harness.js';

const LOCKER = 'Parcel locker 3, 88 College Road, Hangzhou';

describe('the report counts the accounts that tried, and links an honest neighbour', () => {
  let h: Harness;
  const ring: Array<{ token: string; accountId: string }> = [];
  let honest: { token: string; accountId: string };
  /** A ring account's requests: one device, one /24, as bots behind one proxy. */
  const ringHeaders = (i: number) => ({ 'x-device-id': 'ring-device-0001',
    'x-forwarded-for': `172.16.9.${1 + i}` });
  const honestHeaders = { 'x-device-id': 'own-device-0001', 'x-forwarded-for': '10.1.2.3' };
  const report = async (dropId: string) => {
    const r = await h.call('GET', `/admin/suspicious?drop_id=${dropId}`, { token: ADMIN });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const valid = compileReply(Scalpers.report(h.ld.app.deps.limits).replies[200]!);
    assert.ok(Boolean(valid(r.body)), JSON.stringify(valid.errors));
    return r.body;
  };

  before(async () => {
    h = await harness({ LAUNCHDAY_TRUST_PROXY: 'on' });
    // Each registers from where it buys (a sign-up's network and device are signals too).
    const register = async (n: number, headers: Record<string, string>) => {
      const id = syntheticIdentity(n);
      const r = await h.call('POST', '/accounts', { body: { phone: id.phone, name: `Buyer ${n}`,
        id_number: id.idNumber }, headers });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { token: r.body.token as string, accountId: r.body.account_id as string };
    };
    for (let i = 0; i < 4; i++) ring.push(await register(300 + i, ringHeaders(i)));
    honest = await register(400, honestHeaders);
    // Two units of one size: one ring account and the honest buyer get them, the rest of the
    // ring is refused as sold out.
    for (const [id, body] of [['jacket', jacketDrop({ m: 2 }, { per_account_limit: 1,
      per_identity_limit: 1 })], ['cap', jacketDrop({ s: 5 }, { name: 'Cap' })]] as const) {
      const put = await h.call('PUT', `/admin/drops/${id}`, { token: ADMIN, body });
      assert.equal(put.status, 201, JSON.stringify(put.body));
    }
    const room = await h.call('PUT', '/admin/waiting-rooms/cap-room', { token: ADMIN, body: {
      scope: 'drop', target_id: 'cap', enabled: true, opens_at: OPENS,
      prequeue_at: '2025-06-26T13:50:00.000Z', admit_per_minute: 60, active_max: 3,
      pass_seconds: 120, grace_seconds: 60 } });
    assert.equal(room.status, 201, JSON.stringify(room.body));
  });
  after(async () => h.close());

  it('a ring\'s room joins, signed in, are its attempts: seen before anyone buys', async () => {
    for (const [i, b] of ring.slice(0, 3).entries()) {
      const r = await h.call('POST', '/waiting-rooms/cap-room/tickets', { token: b.token,
        headers: ringHeaders(i) });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    // A place taken without signing in carries no account: no signal.
    assert.equal((await h.call('POST', '/waiting-rooms/cap-room/tickets',
      { headers: ringHeaders(3) })).status, 201);
    const body = await report('cap');
    assert.equal(body.clusters.length, 1, JSON.stringify(body.clusters));
    const [c] = body.clusters;
    assert.deepEqual(new Set(c.accounts.map((a: any) => a.account_id)),
      new Set(ring.slice(0, 3).map((b) => b.accountId)));
    assert.deepEqual(c.reasons.map((x: any) => x.code), ['shared_device']);
    assert.deepEqual([c.orders, c.linked_accounts, c.linked_orders], [[], [], []]);
  });

  it('finds the whole ring by its refused purchases; the locker\'s honest user is only linked',
    async () => {
      await h.tick(61);
      const buy = (b: { token: string }, key: string, headers: Record<string, string>) =>
        h.call('POST', '/drops/jacket/purchases', { token: b.token, body: { variant: 'm',
          delivery_address: LOCKER }, headers: { 'idempotency-key': key, ...headers } });
      const first = await buy(ring[0]!, 'r0', ringHeaders(0));
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const mine = await buy(honest, 'h0', honestHeaders);
      assert.equal(mine.status, 201, JSON.stringify(mine.body));
      for (const [i, b] of ring.slice(1).entries()) {
        assert.equal((await buy(b, `r${i + 1}`, ringHeaders(i + 1))).body.error?.code,
          'drop_sold_out');
      }
      const body = await report('jacket');
      assert.equal(body.clusters.length, 1, JSON.stringify(body.clusters));
      const [c] = body.clusters;
      assert.deepEqual(new Set(c.accounts.map((a: any) => a.account_id)),
        new Set(ring.map((b) => b.accountId)));
      assert.deepEqual(c.orders.map((o: any) => o.order_id), [first.body.hold.hold_id]);
      assert.deepEqual(c.linked_accounts.map((a: any) => [a.account_id, a.shares
        .map((x: any) => x.code)]), [[honest.accountId, ['shared_address']]]);
      assert.deepEqual(c.linked_orders.map((o: any) => [o.order_id, o.cancellable]),
        [[mine.body.hold.hold_id, true]]);
      // The cluster's cancel, as the console sends it, takes the ring's sale only.
      const ids = c.orders.filter((o: any) => o.cancellable).map((o: any) => o.order_id);
      const r = await h.call('POST', '/admin/suspicious/cancel', { token: ADMIN, body: {
        drop_id: 'jacket', cluster_id: c.cluster_id, order_ids: ids, reason: 'A ring' } });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(r.body.results.map((x: any) => x.order_id), [first.body.hold.hold_id]);
      const kept = await h.call('GET', '/drops/jacket/mine', { token: honest.token });
      assert.deepEqual(kept.body.holds.map((x: any) => x.status), ['paid']);
    });
});
