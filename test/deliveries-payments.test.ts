// Balance parts and the provider's signed notifications: reordered, duplicated, failed, late,
// for an unknown reference or another amount, badly signed or malformed; then the sandbox itself
// with a share of each misbehaviour. Whatever the order, the money adds up to the fen: deposit
// + parts received - refunds = the price, and the money events say the same.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SandboxPaymentProvider } from '../src/payments/index.js';
import {
  collectionNotice, HeldCollections, moneyEvents as events, scheduledOrder,
} from './delivery-fixtures.js';
import { ADMIN, harness, type Harness } from './harness.js';

describe('balance notifications in any order', () => {
  let h: Harness;
  let n = 0;
  before(async () => {
    h = await harness({}, new HeldCollections({ notifyDelayMs: [0, 0], random: () => 0.99 }));
  });
  after(() => h.close());

  const notify = (body: Record<string, unknown>, secret?: string) =>
    collectionNotice(h, body, secret);
  const word = (type: string, reference: string, amount: number, eventId = `evt_${++n}`) =>
    notify({ event_id: eventId, type: `collection.${type}`, reference, amount_fen: amount });

  it('late, twice, out of order and a failure: every fen accounted', async () => {
    const a = await scheduledOrder(h, 1, 1);
    const view = async () => (await h.call('GET', `/orders/${a.orderId}/delivery`,
      { token: a.token })).body;
    const pay = async (key: string, amount: number, method: string) => (await h.call('POST',
      `/orders/${a.orderId}/balance/parts`, { token: a.token, body: { amount_fen: amount, method },
      headers: { 'idempotency-key': key } })).body.part;
    const { balance } = await view();
    const first = Math.floor(balance.balance_fen * 0.4);
    const rest = balance.balance_fen - first;
    const p1 = await pay('p1', first, 'card');
    const p2 = await pay('p2', rest, 'lease');
    assert.equal((await view()).balance.payable_fen, 0, 'both parts under way');
    // The second part's success comes first, and twice.
    const twice = `evt_twice`;
    assert.equal((await word('succeeded', p2.reference, rest, twice)).body.duplicate, false);
    assert.equal((await word('succeeded', p2.reference, rest, twice)).body.duplicate, true);
    // The first fails: its amount is open again, and is paid by another part.
    await word('failed', p1.reference, first);
    assert.equal((await view()).balance.payable_fen, first);
    const p3 = await pay('p3', first, 'wechat_pay');
    await word('succeeded', p3.reference, first);
    let v = await view();
    assert.equal(v.balance.outstanding_fen, 0);
    assert.equal(v.balance.received_fen, balance.balance_fen);
    // The provider took the first part after all (a success after its failure): counted, and
    // returned whole through the payment outbox, since the balance was covered.
    const late = await word('succeeded', p1.reference, first);
    assert.equal(late.body.anomaly, 'collection_after_close');
    v = await view();
    assert.equal(v.balance.refunded_fen, first);
    assert.equal(v.balance.deposit_fen + v.balance.received_fen - v.balance.refunded_fen,
      v.balance.price_fen, 'deposit + parts - refunds = the price');
    const unsettled = await h.call('GET', '/admin/payments/unsettled', { token: ADMIN });
    assert.equal(unsettled.status, 200);
    // Failure after success changes nothing.
    assert.equal((await word('failed', p3.reference, first)).body.anomaly,
      'collection_failed_after_success');
    assert.equal((await view()).balance.received_fen, v.balance.received_fen);
    const e = await events(h, a.orderId);
    assert.equal((e.balance_received ?? 0) - (e.balance_refunded ?? 0), balance.balance_fen);
    assert.deepEqual(v.parts.map((p: { status: string }) => p.status),
      ['received', 'received', 'received']);
  });

  it('a part\'s key again with another amount is refused as that, not as another order',
    async () => {
      const a = await scheduledOrder(h, 9, 9);
      const pay = (amount: number) => h.call('POST', `/orders/${a.orderId}/balance/parts`,
        { token: a.token, body: { amount_fen: amount, method: 'card' },
          headers: { 'idempotency-key': 'part-again' } });
      assert.equal((await pay(100_00)).status, 201);
      const again = await pay(200_00);
      assert.equal(again.status, 409);
      assert.equal(again.body.error.code, 'idempotency_key_reused');
      // The same order, another body: "a different order" was untrue here.
      assert.doesNotMatch(again.body.error.message, /different order/);
      assert.match(again.body.error.message, /balance part of this order/);
    });

  it('an unknown reference, another amount, a bad signature, a malformed body', async () => {
    const a = await scheduledOrder(h, 2, 2);
    const part = (await h.call('POST', `/orders/${a.orderId}/balance/parts`, { token: a.token,
      body: { amount_fen: 100_000, method: 'bank_transfer' },
      headers: { 'idempotency-key': 'x' } })).body.part;
    assert.equal((await word('succeeded', 'bal_nobody', 100_000)).body.anomaly,
      'collection_unknown');
    assert.equal((await word('succeeded', part.reference, 99_999)).body.anomaly,
      'amount_mismatch');
    const bad = await notify({ event_id: 'e', type: 'collection.succeeded',
      reference: part.reference, amount_fen: 100_000 }, 'another-secret-0123456789');
    assert.equal(bad.status, 401);
    assert.equal(bad.body.error.code, 'signature_invalid');
    const malformed = await notify({ event_id: 'e', type: 'collection.maybe',
      reference: part.reference, amount_fen: 100_000 });
    assert.equal(malformed.status, 422);
    // A collection notified before it happened (beyond the signature's tolerance): refused.
    const future = await notify({ event_id: 'e', type: 'collection.succeeded',
      reference: part.reference, amount_fen: 100_000, occurred_at: '9999-12-31T00:00:00Z' });
    assert.equal(future.status, 422);
    assert.match(future.body.error.message, /"occurred_at" is later than the notification/);
    const v = (await h.call('GET', `/orders/${a.orderId}/delivery`, { token: a.token })).body;
    assert.equal(v.balance.pending_fen, 100_000, 'nothing of it settled the part');
    assert.equal(v.balance.received_fen, 0);
  });
});

describe('the sandbox: late, duplicated and failing collections', () => {
  let h: Harness;
  let sandbox: SandboxPaymentProvider;
  before(async () => {
    let seed = 7;
    // A seeded generator: the same misbehaviour each run.
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648)
      / 2_147_483_648);
    sandbox = new SandboxPaymentProvider({ notifyDelayMs: [0, 20], lateShare: 0.3,
      duplicateShare: 0.5, collectFailureShare: 0.3, random });
    h = await harness({}, sandbox);
  });
  after(() => h.close());

  it('parts are paid again until the balance is in, and it adds up to the fen', async () => {
    const a = await scheduledOrder(h, 3, 3);
    const view = async () => (await h.call('GET', `/orders/${a.orderId}/delivery`,
      { token: a.token })).body;
    const methods = ['card', 'alipay', 'loan', 'wechat_pay'];
    let key = 0;
    for (let round = 0; round < 200; round++) {
      const v = await view();
      if (v.balance.outstanding_fen === 0 && v.balance.pending_fen === 0) break;
      if (v.balance.payable_fen > 0) {
        // Pay in up to three parts; a failed one frees its amount for the next round.
        const amount = Math.min(v.balance.payable_fen, Math.ceil(v.balance.balance_fen / 3));
        const r = await h.call('POST', `/orders/${a.orderId}/balance/parts`, { token: a.token,
          body: { amount_fen: amount, method: methods[key % 4] },
          headers: { 'idempotency-key': `part-${++key}` } });
        assert.ok(r.status === 201 || r.body.error.code === 'balance_parts_limit', r.body);
        if (r.status !== 201) break;
      }
      await sleep(25);
    }
    while (sandbox.outstanding > 0) await sleep(20); // Every copy delivered, late ones too.
    const v = await view();
    assert.equal(v.balance.outstanding_fen, 0, 'paid in full despite the failures');
    assert.equal(v.balance.deposit_fen + v.balance.received_fen - v.balance.refunded_fen,
      v.balance.price_fen);
    assert.equal(v.balance.pending_fen, 0);
    assert.ok(v.parts.some((p: { status: string }) => p.status === 'failed'),
      'the sandbox failed some parts (else this test shows nothing)');
    const e = await events(h, a.orderId);
    assert.equal((e.balance_received ?? 0) - (e.balance_refunded ?? 0),
      v.balance.received_fen - v.balance.refunded_fen);
    const sum = v.parts.reduce((s: number, p: { status: string; amount_fen: number }) =>
      s + (p.status === 'received' ? p.amount_fen : 0), 0);
    assert.equal(sum, v.balance.received_fen);
  });
});
