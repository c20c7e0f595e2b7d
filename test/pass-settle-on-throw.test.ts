// A guarded purchase (a drop's, behind a waiting room) whose paying settle THROWS after the
// charge: its pass's claim was left under way (never spent, never given back: the buyer's other
// keys were told waiting_room_pass_in_use until the claim lapsed). Now the pass is settled as
// for a commit whose outcome is unknown: spent for the key, whose retry is answered from what
// was written (the sale made, once), while another key with the pass is refused. The throw is
// answered by the shell, as every route's is (500 internal_error, logged with the request id;
// 503 store_unavailable for the store out of reach). The offer-pay route: the charge voided
// unless the sale was made, and paying again answers which.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ADMIN, tickingHarness, YU7_MAX, type Harness } from './harness.js';
import { admittedPasses, jacketDrop } from './drop-fixtures.js';
import { StoreUnavailable } from '../src/kernel/store/store-unavailable.js';

const OPENS = '2025-06-26T14:00:00.000Z';

describe('a drop purchase whose paying settle throws', () => {
  let h: Harness;
  const passes: string[] = [];

  before(async () => {
    h = await tickingHarness();
    const drop = await h.call('PUT', '/admin/drops/jacket', { token: ADMIN,
      body: jacketDrop({ s: 9 }, { opens_at: OPENS, per_account_limit: 3,
        per_identity_limit: 3 }) });
    assert.equal(drop.status, 201, JSON.stringify(drop.body));
    passes.push(...await admittedPasses(h, 'shop', 'drop', 'jacket', 3));
  });
  after(async () => h.close());

  /** While `body` runs, the drops' next paying settle throws: before its commit, or after. */
  async function settleThrows(when: 'before' | 'after', body: () => Promise<void>):
    Promise<number> {
    const drops = h.ld.app.drops as unknown as { submit: (...a: unknown[]) => Promise<unknown> };
    const submit = drops.submit;
    let thrown = 0;
    drops.submit = async (kind: unknown, cmd: unknown, ...rest: unknown[]) => {
      if (kind !== 'dropSettle' || thrown > 0 || (cmd as { outcome: string }).outcome !== 'paid') {
        return submit(kind, cmd, ...rest);
      }
      thrown++;
      if (when === 'after') await submit(kind, cmd, ...rest);
      throw new Error(`injected: the paying settle threw ${when} its commit`);
    };
    try {
      await body();
    } finally {
      drops.submit = submit;
    }
    return thrown;
  }

  const charged = (reference: string): boolean => (h.ld.app.deps.payments as unknown as {
    charges: { get(r: string): unknown } }).charges.get(reference) !== undefined;

  async function figures() {
    const f = await h.call('GET', '/drops/jacket');
    return f.body.variants[0] as { remaining: number; held: number; sold: number };
  }

  for (const [n, when] of (['before', 'after'] as const).entries()) {
    it(`thrown ${when} its commit: the pass kept for the key, sold once`,
      async () => {
        const b = await h.buyer(n + 1);
        const pass = passes[n]!;
        const buy = (key: string) => h.call('POST', '/drops/jacket/purchases',
          { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
            'x-waiting-room-pass': pass } });
        const sold = (await figures()).sold;
        let first: Awaited<ReturnType<typeof buy>> | undefined;
        assert.equal(await settleThrows(when, async () => {
          first = await buy(`${when}-a`);
        }), 1);
        assert.equal(first!.status, 500, JSON.stringify(first!.body));
        assert.equal(first!.body.error.code, 'internal_error');
        // The claim was settled: spent for that key, no longer under way.
        const room = await h.call('GET', '/admin/waiting-rooms/shop', { token: ADMIN });
        const mine = (room.body.passes as Array<{ account_id: string; status: string;
          under_way: boolean }>).find((p) => p.account_id === b.accountId);
        assert.ok(mine, JSON.stringify(room.body.passes));
        assert.equal(mine.under_way, false, JSON.stringify(mine));
        // Another key with the pass is refused for good (it went with the first key), not
        // told to wait for a claim under way.
        const other = await buy(`${when}-b`);
        assert.equal(other.status, 403, JSON.stringify(other.body));
        assert.equal(other.body.error.code, 'waiting_room_pass_invalid');
        // The same key is answered from what was written: the sale, made once, and paid for.
        const retried = await buy(`${when}-a`);
        assert.equal(retried.status, 200, JSON.stringify(retried.body));
        assert.equal(retried.body.hold.status, 'paid');
        assert.ok(charged(`drp_${retried.body.hold.hold_id}`), 'the sale holds its charge');
        const f = await figures();
        assert.equal(f.sold, sold + 1, JSON.stringify(f));
        assert.equal(f.held, 0, JSON.stringify(f));
        assert.equal((await buy(`${when}-a`)).status, 200, 'and again the same');
      });
  }

  it('the store gone: store_unavailable, as the shell answers it, the pass kept for the key',
    async () => {
      const b = await h.buyer(3);
      const pass = passes[2]!;
      const buy = (key: string) => h.call('POST', '/drops/jacket/purchases',
        { token: b.token, body: { variant: 's' }, headers: { 'idempotency-key': key,
          'x-waiting-room-pass': pass } });
      // The hold's first read finds the store out of reach (or anything reads as it does).
      const drops = h.ld.app.drops as unknown as { hold: unknown };
      drops.hold = () => Promise.reject(new StoreUnavailable('injected: the store went away'));
      let first: Awaited<ReturnType<typeof buy>>;
      try {
        first = await buy('gone-a');
      } finally {
        delete drops.hold;
      }
      assert.equal(first.status, 503, JSON.stringify(first.body));
      assert.equal(first.body.error.code, 'store_unavailable');
      const room = await h.call('GET', '/admin/waiting-rooms/shop', { token: ADMIN });
      const mine = (room.body.passes as Array<{ account_id: string; status: string;
        under_way: boolean }>).find((p) => p.account_id === b.accountId);
      assert.ok(mine, JSON.stringify(room.body.passes));
      assert.deepEqual([mine.status, mine.under_way], ['spent', false]);
      assert.equal((await buy('gone-b')).body.error?.code, 'waiting_room_pass_invalid');
      // The same key buys with it.
      const again = await buy('gone-a');
      assert.equal(again.status, 201, JSON.stringify(again.body));
      assert.equal(again.body.hold.status, 'paid');
    });

  it('the offer-pay route voids the charge of a sale not made, and paying again makes it once',
    async () => {
      const b = await h.buyer(9);
      const account = (await h.ld.app.deps.store.accountById(b.accountId))!;
      // A held hold, as a waitlist offer is (paid without a pass).
      const held = await h.ld.app.drops.hold(account, 'jacket', { variant: 's', quantity: 1 },
        'offer-like');
      assert.ok(held.ok);
      const holdId = held.value.hold.holdId;
      const pay = () => h.call('POST', `/drops/jacket/holds/${holdId}/pay`, { token: b.token });
      const sold = (await figures()).sold;
      let first: Awaited<ReturnType<typeof pay>> | undefined;
      assert.equal(await settleThrows('before', async () => {
        first = await pay();
      }), 1);
      assert.equal(first!.status, 500, JSON.stringify(first!.body));
      assert.equal(first!.body.error.code, 'internal_error');
      // No sale, but the hold is still held, and may yet be paid under its reference (another
      // tap's request, or this retry): its charge is kept for it (drop-pay-race-void.test.ts);
      // the reconciler's sweep voids it once the hold ends unpaid.
      assert.equal(charged(held.value.hold.paymentReference), true, 'kept for the hold');
      const again = await pay();
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.hold.status, 'paid');
      assert.ok(charged(held.value.hold.paymentReference), 'the sale holds its charge');
      assert.equal((await figures()).sold, sold + 1);
    });
});

describe('an order whose commit throws after its charge', () => {
  let h: Harness;
  const passes: string[] = [];

  before(async () => {
    h = await tickingHarness();
    passes.push(...await admittedPasses(h, 'night', 'launch', 'yu7-2025', 2));
  });
  after(async () => h.close());

  for (const [n, when] of (['before', 'after'] as const).entries()) {
    it(`thrown ${when} its commit: the pass kept for the key, one order`,
      async () => {
        const b = await h.buyer(n + 1);
        const pass = passes[n]!;
        const place = (key: string) => h.call('POST', '/orders', { token: b.token,
          body: YU7_MAX, headers: { 'idempotency-key': key, 'x-waiting-room-pass': pass } });
        const orders = h.ld.app.orders as unknown as {
          submit: (...a: unknown[]) => Promise<unknown> };
        const submit = orders.submit;
        let thrown = 0;
        orders.submit = async (kind: unknown, ...rest: unknown[]) => {
          if (kind !== 'place' || thrown > 0) return submit(kind, ...rest);
          thrown++;
          if (when === 'after') await submit(kind, ...rest);
          throw new Error(`injected: the order's commit threw ${when} it was made`);
        };
        let first: Awaited<ReturnType<typeof place>>;
        try {
          first = await place(`${when}-a`);
        } finally {
          orders.submit = submit;
        }
        assert.equal(thrown, 1);
        assert.equal(first.status, 500, JSON.stringify(first.body));
        assert.equal(first.body.error.code, 'internal_error');
        const room = await h.call('GET', '/admin/waiting-rooms/night', { token: ADMIN });
        const mine = (room.body.passes as Array<{ account_id: string; under_way: boolean }>)
          .find((p) => p.account_id === b.accountId);
        assert.ok(mine, JSON.stringify(room.body.passes));
        assert.equal(mine.under_way, false, JSON.stringify(mine));
        const other = await place(`${when}-b`);
        assert.equal(other.status, 403, JSON.stringify(other.body));
        assert.equal(other.body.error.code, 'waiting_room_pass_invalid');
        // The same key: the order (made by the first request, or by this one), and one only.
        const retried = await place(`${when}-a`);
        assert.ok([200, 201].includes(retried.status), JSON.stringify(retried.body));
        const again = await place(`${when}-a`);
        assert.equal(again.status, 200, JSON.stringify(again.body));
        assert.equal(again.body.order_id, retried.body.order_id);
        const mineNow = await h.call('GET', '/orders', { token: b.token });
        assert.equal(mineNow.body.orders.length, 1, JSON.stringify(mineNow.body));
        // One deposit held, the order's: a charge with no order was voided.
        const held = await h.ld.app.deps.payments.heldCharges(-60_000, 1_000, -1);
        assert.deepEqual(held.filter((c) => c.payer === b.accountId).map((c) => c.amountFen),
          [retried.body.deposit.amount_fen]);
      });
  }
});
